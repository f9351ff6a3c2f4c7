package http

import (
	"context"
	"net/http"
	"strings"

	"github.com/vigilproject/vigil"
)

// reportSupplementsView is the supplements part of a report's page: shown only for a report
// the EU Centre took whose record is not erased, since only such a report can be supplemented.
type reportSupplementsView struct {
	Open        bool
	Supplements []vigil.ReportSupplement
	Requests    []vigil.ReportFeedback // the EU Centre's request_info messages, to answer
}

// euCentreTook reports whether the EU Centre took rep, so that it can be supplemented.
func euCentreTook(rep vigil.Report) bool {
	for _, d := range rep.Deliveries {
		if d.Destination == vigil.DestEUCentre && d.Status == vigil.DestSent {
			return true
		}
	}
	return false
}

// loadSupplementsView reads rep's supplements and picks the requests for information out of
// its feedback fb. A server without a supplement store shows none.
func (s *Server) loadSupplementsView(ctx context.Context, rep vigil.Report, fb []vigil.ReportFeedback) (reportSupplementsView, error) {
	svc, err := s.supplementService()
	if err != nil || !euCentreTook(rep) || !rep.Erased.IsZero() {
		return reportSupplementsView{}, nil
	}
	list, err := svc.SupplementsOf(ctx, rep.ID)
	if err != nil {
		return reportSupplementsView{}, err
	}
	v := reportSupplementsView{Open: true, Supplements: list}
	for _, f := range fb {
		if f.Kind == vigil.FeedbackRequestInfo {
			v.Requests = append(v.Requests, f)
		}
	}
	return v, nil
}

// uiAddSupplement queues the form's supplement (RP-17: typically the answer to a request for
// information) through the same store method as the API.
func (s *Server) uiAddSupplement(w http.ResponseWriter, r *http.Request) {
	svc, err := s.supplementService()
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	id := r.PathValue("id")
	_, err = svc.AddSupplement(r.Context(), vigil.ReportSupplement{ReportID: id,
		InReplyTo: strings.TrimSpace(r.PostFormValue("in_reply_to")), Text: strings.TrimSpace(r.PostFormValue("text"))})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/reports/"+id+"?done=report_supplemented")
}
