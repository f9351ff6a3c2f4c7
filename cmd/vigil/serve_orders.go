package main

import (
	"context"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/orders"
	"github.com/vigilproject/vigil/sqlite"
)

// serveOrders wires authority orders into "vigil serve": it gives the API and the UI the order
// service, exports the orders metrics (open orders, orders due soon and overdue, the nearest
// deadline, time to execute) and starts the worker that raises the T-4 h alert and settles
// executed orders, until workCtx ends. The metrics can only fail to register when another
// collector took their names, a bug that must not stop the clocks: it is logged.
func serveOrders(workCtx context.Context, db *sqlite.DB, svc *service) {
	store := sqlite.NewOrderStore(db)
	clock := vigil.SystemClock{}
	if err := svc.http.Metrics.Register(orders.NewCollector(store, clock)); err != nil {
		svc.log.Error("the orders metrics are not exported", "err", err)
	}
	svc.http.Orders = store
	worker := &orders.Worker{Store: store, Clock: clock, Logger: svc.log}
	svc.workers.Go(func() { worker.Run(workCtx) })
}
