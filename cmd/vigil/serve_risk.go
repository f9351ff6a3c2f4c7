package main

import (
	"context"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/sqlite"
	"github.com/vigilproject/vigil/transparency"
)

// serveRisk wires the transparency report and the risk register into "vigil serve": it gives
// the API and the UI both services and starts the reminder that enqueues
// risk.assessment_due 30 days before a service's assessment is due, until workCtx ends.
func serveRisk(workCtx context.Context, db *sqlite.DB, svc *service) {
	svc.http.Transparency = &transparency.Service{Store: sqlite.NewTransparencyStore(db), Clock: vigil.SystemClock{}}
	svc.http.Risks = sqlite.NewRiskStore(db)
	reminder := sqlite.NewRiskReminder(db, svc.log)
	svc.workers.Go(func() { reminder.Run(workCtx) })
}
