package http

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
)

// breakEvery is how many reveals in an hour make the case page suggest a break: well under the
// default cap, so the prompt comes before the refusal.
const breakEvery = 20

// casePage is the data of the case page.
type casePage struct {
	Case       vigil.Case
	Age        string
	Categories []string
	History    []vigil.CaseEvent
	AllowBanks []string
	Decidable  bool // the actor may decide it now
	Claimable  bool
	CanReveal  bool
	Verdict    string // preselected by the queue's c, f and e shortcuts
	Reveals    reveals
}

// reveals is the acting reviewer's reveal count in the last hour against their cap, for the
// wellbeing notices.
type reveals struct {
	Used, Cap, BreakEvery int
}

// Break reports whether the reviewer has revealed enough this hour to be offered a break.
func (r reveals) Break() bool { return r.Used >= r.BreakEvery }

// Capped reports whether the reviewer has used every reveal of the hour.
func (r reveals) Capped() bool { return r.Used >= r.Cap }

// uiCase shows one case: why it matched, its media behind a blurred, greyscale cover that only
// the reviewer's click lifts, the decision and comment forms, and the case's history.
func (s *Server) uiCase(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := s.Cases.Case(ctx, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	history, err := s.Cases.History(ctx, c.ID)
	if err != nil && vigil.ErrorCode(err) != vigil.EFORBIDDEN {
		s.renderError(w, r, err)
		return
	}
	actor := vigil.ActorFrom(ctx)
	p := casePage{Case: c, Age: ago(s.Clock.Now().Sub(c.Opened)), Categories: matchCategories(c.Matches),
		History: history, Verdict: r.URL.Query().Get("decide")}
	if actor.Can(vigil.ScopeCases) {
		p.Claimable = c.Status == vigil.CaseOpen || c.Status == vigil.CaseEscalated
		p.Decidable = p.Claimable || c.Status == vigil.CaseInReview && c.Assignee == actor.ID
		p.CanReveal = c.HasMedia
		if p.Reveals, err = s.revealCount(ctx); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	// Adding to an allow bank silences future matches, so only bank editors are offered it.
	for _, b := range s.banks() {
		if b.Kind == match.Allow && actor.Can(vigil.ScopeBanksWrite) {
			p.AllowBanks = append(p.AllowBanks, b.Name)
		}
	}
	s.render(w, r, http.StatusOK, "case", page{Title: "Case " + c.ID, Nav: "queue", Notice: doneMessage(r), Data: p})
}

// revealCount returns the acting reviewer's reveals over the last hour and their cap, as the
// case service counts them when it refuses a reveal.
func (s *Server) revealCount(ctx context.Context) (reveals, error) {
	used, limit, err := s.Cases.RevealAllowance(ctx)
	if err != nil {
		return reveals{}, err
	}
	return reveals{Used: used, Cap: limit, BreakEvery: breakEvery}, nil
}

// displayable are the media types the case page shows in an image element; anything else is
// sent as opaque bytes, so a crafted upload cannot be rendered as a document by the browser.
var displayable = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

// uiCaseMedia returns a case's media for the reveal script. The case service records the view
// in the audit log and refuses past the reviewer's hourly cap; the response tells the script
// how many reveals the reviewer has made this hour, for the break prompt.
func (s *Server) uiCaseMedia(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	data, mediaType, err := s.Cases.Media(ctx, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	n, err := s.revealCount(ctx)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	pageHeaders(h)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Disposition", "attachment")
	h.Set("Content-Type", "application/octet-stream")
	if displayable[mediaType] {
		h.Set("Content-Type", mediaType)
	}
	h.Set("Vigil-Reveals", strconv.Itoa(n.Used))
	h.Set("Vigil-Reveal-Cap", strconv.Itoa(n.Cap))
	w.Write(data)
}

// uiClaim assigns the case to the acting reviewer.
func (s *Server) uiClaim(w http.ResponseWriter, r *http.Request) {
	c, err := s.Cases.Claim(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/cases/"+c.ID+"?done=claimed")
}

// uiDecide records the reviewer's decision and opens the next case waiting in the queue, so a
// reviewer can work through it without going back to the list.
func (s *Server) uiDecide(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := vigil.Decision{
		CaseID:    r.PathValue("id"),
		Verdict:   vigil.DecisionVerdict(r.PostFormValue("verdict")),
		Category:  strings.TrimSpace(r.PostFormValue("category")),
		Reason:    strings.TrimSpace(r.PostFormValue("reason")),
		AllowBank: r.PostFormValue("allow_bank"),
	}
	if d.Verdict != vigil.DecideFalsePositive {
		d.AllowBank = ""
	}
	if _, err := s.Cases.Decide(ctx, d); err != nil {
		s.renderError(w, r, err)
		return
	}
	// The decision is made; failing to find the next case only means going back to the list.
	next, _, err := s.Cases.Cases(ctx, vigil.CaseFilter{Status: []vigil.CaseStatus{vigil.CaseOpen}, Limit: 1})
	if err != nil || len(next) == 0 {
		seeOther(w, r, "/queue?done=decided")
		return
	}
	seeOther(w, r, "/cases/"+next[0].ID+"?done=next")
}

// uiComment adds the reviewer's note to the case.
func (s *Server) uiComment(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.Cases.Comment(r.Context(), id, strings.TrimSpace(r.PostFormValue("text"))); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/cases/"+id+"?done=commented")
}
