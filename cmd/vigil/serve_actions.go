package main

import (
	"context"

	vhttp "github.com/vigilproject/vigil/http"
	"github.com/vigilproject/vigil/notice"
	"github.com/vigilproject/vigil/sqlite"
)

// serveActions wires what follows a confirmed match into "vigil serve": the API and UI of
// actions, holds, notices and complaints, and the worker that sends user notices when they
// fall due and resumes takedowns whose do-not-remove holds ran out, until workCtx ends. It
// exports the gauges of actions, notices and complaints; they can only fail to register when
// another collector took their names, a bug that must not stop the notices: it is logged.
func serveActions(workCtx context.Context, db *sqlite.DB, svc *service) {
	if err := svc.http.Metrics.Register(sqlite.ActionMetrics(db)); err != nil {
		svc.log.Error("the actions metrics are not exported", "err", err)
	}
	svc.http.AfterMatch = vhttp.AfterMatch{Actions: sqlite.NewActions(db), Holds: sqlite.NewHolds(db),
		Notices: sqlite.NewNotices(db), Complaints: sqlite.NewComplaints(db)}
	worker := &notice.Worker{Store: db, Log: svc.log}
	svc.workers.Go(func() { worker.Run(workCtx) })
}
