package http

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/orders"
)

// errorHeading matches the heading of the error page, such as "403 Forbidden".
var errorHeading = regexp.MustCompile(`^\d{3} `)

// watchConsole records, from now on, what the browser of ctx reports as going wrong: console
// errors (failed loads among them), uncaught exceptions, and any message about the Content
// Security Policy (a refused script, inline style or image, which Chromium logs as an error).
// It returns a function that lists what was recorded so far.
func watchConsole(t *testing.T, ctx context.Context) func() []string {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	messages := chromedp.Console(ctx) // subscribes here, before any page loads
	var (
		mu  sync.Mutex
		bad []string
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			// The pages declare no icon, so Chromium asks for /favicon.ico by itself and logs
			// its 404: that is the browser's guess, not the page's request.
			if strings.HasSuffix(m.URL, "/favicon.ico") {
				continue
			}
			if m.Type == chromedp.ConsoleError || m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
				mu.Lock()
				bad = append(bad, m.String()+" ("+m.URL+")")
				mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(bad)
	}
}

// leave runs actions that take the browser to another page (a click on a link or on a form's
// button) and waits until that page is there. A poll does not survive a navigation, so the
// page left behind is marked first, and the step ends once the body in the tab is unmarked.
func (b tab) leave(name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if _, err := run(b.ctx, chromedp.Evaluate[bool](`document.body.dataset.left = "yes", true`)); err != nil {
		b.t.Fatalf("%s: mark the page: %v", name, err)
	}
	b.step(name, append(actions, chromedp.WaitVisible(chromedp.CSS(`body:not([data-left])`)))...)
}

// receiveNearOrder receives a removal order over the API and moves the clock to 3h 30m before
// its 24-hour deadline, inside the 4 hours that raise the banner (RO-03). It returns the
// order's reference.
func (s *scenario) receiveNearOrder(t *testing.T) string {
	t.Helper()
	d := exampleOrderDocument
	d.Reference, d.Service = "DE-UI-1", "photos"
	d.IssuedAt = s.clock.Now().Add(-time.Hour).Format(time.RFC3339)
	d.Items = []orders.Item{{URL: "https://photos.example/p/IMG-9", Info: "photo page"}}
	doc, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	s.call(t, s.as(vigil.ScopeOrders, request{method: "POST", path: "/v1/orders", body: string(doc)}), http.StatusCreated, nil)
	s.clock.Advance(20*time.Hour + 30*time.Minute)
	return d.Reference
}

// TestUIBrowserAfterMatch drives the after-match pages in a real browser. A legal user signs
// in and sees the banner of a removal order 3h 30m from its deadline on the dashboard, follows
// it to the order, finds the order in the orders list, records another with the Annex IV form,
// opens the drafted report of the confirmed case from the reports list, changes its "other
// information" in the record editor, approves it and sees it queued, and reads the year's
// transparency report. Then a reviewer who did not decide the case opens the complaints queue
// and rejects the complaint the platform filed over the API. No page may log an error or a
// Content Security Policy violation.
func TestUIBrowserAfterMatch(t *testing.T) {
	ctx := newBrowser(t)
	problems := watchConsole(t, ctx)
	// The clock starts at the real time: the browser judges the session cookie by its own.
	s := newScenario(t, time.Now().UTC())
	s.uploadAndConfirm(t)
	var filed complaintJSON
	s.call(t, s.as(vigil.ScopeComplaints, request{method: "POST", path: "/v1/complaints",
		body: `{"content_id":"` + s.contentID + `","kind":"detection","text":"Wrongly flagged.","language":"en"}`}),
		http.StatusCreated, &filed)
	reference := s.receiveNearOrder(t)
	const pw = "a password long enough"
	for name, role := range map[string]vigil.Role{"lena": vigil.RoleLegal, "rosa": vigil.RoleReviewer} {
		if _, err := s.users.CreateUser(systemCtx, name, role, pw); err != nil {
			t.Fatal(err)
		}
	}
	var drafts reportsResponse
	s.call(t, s.as(vigil.ScopeReports, request{method: "GET", path: "/v1/reports"}), http.StatusOK, &drafts)
	if len(drafts.Items) != 1 || drafts.Items[0].Status != vigil.ReportDraft {
		t.Fatalf("reports %+v, want the confirmed case's draft", drafts.Items)
	}
	s.report = drafts.Items[0].ID

	b := tab{t, ctx}
	b.signIn(s.ts.URL, "/", "lena", pw, `#order-banner`)
	b.wait("the banner naming the order", `(() => { const t = document.getElementById("order-banner")?.innerText || "";
		return t.includes("1 authority order due within 4 hours") && t.includes("due in 3h 30m") && t.includes("`+reference+`"); })()`)
	b.leave("follow the banner to the order", chromedp.Click(chromedp.CSS(`#order-banner a`)))
	b.wait("the order's page", `document.querySelector("h1").innerText === "removal order `+reference+`" &&
		document.getElementById("order-left").innerText === "3h 30m" && document.getElementById("cannot-execute") !== null &&
		document.body.innerText.includes("42 days from receipt")`)
	b.leave("open the orders list", chromedp.Click(chromedp.CSS(`nav a[href="/orders"]`)))
	b.wait("the order listed as urgent", `Array.from(document.querySelectorAll("table.orders tr.urgent")).some(
		tr => tr.innerText.includes("`+reference+`") && tr.innerText.includes("3h 30m"))`)

	s.recordOrder(t, b)
	s.editAndApprove(t, b)

	year := strconv.Itoa(s.confirmed.Year())
	b.leave("open the transparency report", chromedp.Click(chromedp.CSS(`nav a[href="/transparency"]`)))
	b.leave("choose the year", chromedp.SetValue(chromedp.CSS(`select[name="year"]`), year),
		chromedp.Click(chromedp.CSS(`form.inline button[type="submit"]`)))
	b.wait("the year's figures", `document.querySelector("h1").innerText === "Transparency report `+year+`" &&
		document.body.innerText.includes("confirmed 1") && location.search === "?year=`+year+`"`)

	b.leave("sign out", chromedp.Click(chromedp.CSS(`.signout button`)))
	b.wait("the sign-in page", `location.pathname === "/login"`)
	s.decideComplaint(t, b, filed.ID, pw)

	if got := problems(); len(got) > 0 {
		t.Errorf("the browser reported problems:\n%s", strings.Join(got, "\n"))
	}
}

// recordOrder fills in the Annex IV form for an order that came by other means, from the
// orders list, and checks the order's page it lands on.
func (s *scenario) recordOrder(t *testing.T, b tab) {
	t.Helper()
	b.leave("open the Annex IV form", chromedp.Click(chromedp.CSS(`a[href="/orders/new"]`)))
	field := func(name, value string) chromedp.Action[chromedp.Void] {
		return chromedp.SendKeys(chromedp.CSS(`form[action="/orders"] [name="`+name+`"]`), value)
	}
	b.leave("fill in and record the order",
		chromedp.SetValue(chromedp.CSS(`select[name="kind"]`), "removal"),
		field("reference", "CZ-UI-2"),
		field("issued_at", s.clock.Now().Add(-2*time.Hour).Format(time.RFC3339)),
		field("issuing_name", "Policie CR"), field("issuing_country", "CZ"),
		field("provider", "Example Photos BV"), field("service", "photos"),
		field("items", "https://photos.example/p/IMG-8 album 3"),
		chromedp.Click(chromedp.CSS(`input[name="csam_definitions"][value="art2c_i"]`)),
		field("reasons", "Known material."), field("redress_court", "Mestsky soud"),
		field("redress_time_limits", "30 days"), field("signature", "sig"),
		chromedp.Click(chromedp.CSS(`form[action="/orders"] button[type="submit"]`)))
	b.wait("the recorded order's page", `document.querySelector("p.notice")?.innerText === "Created." &&
		document.querySelector("h1").innerText === "removal order CZ-UI-2" &&
		document.body.innerText.includes("https://photos.example/p/IMG-8")`)
}

// editAndApprove opens the draft from the reports list, saves a changed "other information"
// with the record editor's key fields, approves the report and checks both on the page and
// over the API.
func (s *scenario) editAndApprove(t *testing.T, b tab) {
	t.Helper()
	const note = "Seen again by legal in the browser."
	b.leave("open the reports list", chromedp.Click(chromedp.CSS(`nav a[href="/reports"]`)))
	b.leave("open the draft", chromedp.Click(chromedp.CSS(`#reports a[href="/reports/`+s.report+`"]`)))
	b.leave("edit other information and save",
		chromedp.SendKeys(chromedp.CSS(`#record-fields textarea[name="other_information"]`), note),
		chromedp.Click(chromedp.CSS(`#record-fields button[type="submit"]`)))
	b.wait("the edit saved", `document.querySelector("p.notice")?.innerText === "Record saved. Approvals given before the change were withdrawn."`)
	var rep reportJSON
	s.call(t, s.as(vigil.ScopeReports, request{method: "GET", path: "/v1/reports/" + s.report}), http.StatusOK, &rep)
	if rep.Record == nil || rep.Record.Other != note || rep.Status != vigil.ReportDraft {
		t.Fatalf("after the edit the report is %s with record %+v, want a draft saying %q", rep.Status, rep.Record, note)
	}
	b.leave("approve", chromedp.Click(chromedp.ID("approve")))
	b.wait("the approval and the new status", `document.querySelector("p.notice")?.innerText === "Approval recorded." &&
		document.getElementById("report-status")?.innerText === "queued" && !document.getElementById("record-fields")`)
	s.call(t, s.as(vigil.ScopeReports, request{method: "GET", path: "/v1/reports/" + s.report}), http.StatusOK, &rep)
	if rep.Status != vigil.ReportQueued || len(rep.Approvals) != 1 {
		t.Fatalf("after the approval the report is %s with %d approvals, want queued with one", rep.Status, len(rep.Approvals))
	}
}

// decideComplaint signs a reviewer who did not decide the case in at the complaints queue,
// opens complaint id and rejects it, and checks the outcome on the page and over the API.
func (s *scenario) decideComplaint(t *testing.T, b tab, id, pw string) {
	t.Helper()
	b.signIn(s.ts.URL, "/complaints", "rosa", pw, `a[href="/complaints/`+id+`"]`)
	b.leave("open the complaint", chromedp.Click(chromedp.CSS(`a[href="/complaints/`+id+`"]`)))
	b.leave("reject it with a reason",
		chromedp.Click(chromedp.CSS(`input[name="outcome"][value="rejected"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="reason"]`), "The match was confirmed on review."),
		chromedp.Click(chromedp.CSS(`form[action$="/decide"] button[type="submit"]`)))
	b.wait("the decision shown", `document.querySelector("p.notice")?.innerText === "Decision recorded." &&
		document.body.innerText.includes("rejected") && !document.querySelector('form[action$="/decide"]')`)
	var c complaintJSON
	s.call(t, s.as(vigil.ScopeComplaints, request{method: "GET", path: "/v1/complaints/" + id}), http.StatusOK, &c)
	if c.Status != vigil.ComplaintDecided || c.Outcome != vigil.ComplaintRejected {
		t.Errorf("complaint after the decision: %s %s, want decided and rejected", c.Status, c.Outcome)
	}
}

// fillPages gives the after-match pages something to list, and so links to follow: a
// complaint, a removal order near its deadline (and so the banner), a do-not-inform hold and a
// draft risk assessment.
func (s *scenario) fillPages(t *testing.T) {
	t.Helper()
	s.call(t, s.as(vigil.ScopeComplaints, request{method: "POST", path: "/v1/complaints",
		body: `{"content_id":"` + s.contentID + `","kind":"detection","text":"Wrongly flagged."}`}), http.StatusCreated, nil)
	hold, err := json.Marshal(holdRequest{Kind: vigil.HoldDoNotInform, ContentID: s.contentID, Reference: "LKA-7",
		Until: s.clock.Now().AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	s.call(t, s.as(vigil.ScopeAdmin, request{method: "POST", path: "/v1/holds", body: string(hold)}), http.StatusCreated, nil)
	draft, err := json.Marshal(exampleAssessmentRequest)
	if err != nil {
		t.Fatal(err)
	}
	s.call(t, s.as(vigil.ScopeAdmin, request{method: "POST", path: "/v1/risk/assessments", body: string(draft)}), http.StatusCreated, nil)
	s.receiveNearOrder(t)
}

// brokenLinksJS fetches, as the signed-in user, every link of the page's main part that stays
// on the server, and lists those answered with an error status: a page should not offer what
// its reader may not open.
const brokenLinksJS = `(async () => {
	const hrefs = new Set(Array.from(document.querySelectorAll("main a[href^='/']"), a => a.getAttribute("href")));
	const broken = [];
	for (const href of hrefs) {
		const resp = await fetch(href, {credentials: "same-origin"});
		if (!resp.ok) broken.push(href + ": " + resp.status);
	}
	return broken;
})()`

// TestUIBrowserNavPages signs each role in and opens every page its navigation offers, with
// the after-match services wired and a confirmed case behind them: none may answer with the
// error page or offer a link its reader cannot open, and none may log an error or a Content
// Security Policy violation.
func TestUIBrowserNavPages(t *testing.T) {
	ctx := newBrowser(t)
	problems := watchConsole(t, ctx)
	s := newScenario(t, time.Now().UTC())
	s.uploadAndConfirm(t)
	s.fillPages(t)
	b := tab{t, ctx}
	const pw = "a password long enough"
	for _, role := range []vigil.Role{vigil.RoleAdmin, vigil.RoleLegal, vigil.RoleReviewer, vigil.RoleAuditor} {
		name := "nav-" + string(role)
		if _, err := s.users.CreateUser(systemCtx, name, role, pw); err != nil {
			t.Fatal(err)
		}
		b.signIn(s.ts.URL, "/", name, pw, `header.top nav`)
		links, err := run(ctx, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("header.top nav a")).map(a => a.getAttribute("href"))`))
		if err != nil || len(links) < 2 {
			t.Fatalf("%s's navigation: %v (%v)", role, links, err)
		}
		for _, href := range links {
			b.leave(string(role)+" opens "+href, chromedp.Click(chromedp.CSS(`header.top nav a[href="`+href+`"]`)))
			b.wait(string(role)+" on "+href, `location.pathname === "`+href+`"`)
			h1, err := run(ctx, chromedp.Text(chromedp.CSS(`main h1`)))
			if err != nil || errorHeading.MatchString(h1) {
				t.Errorf("%s opens %s: heading %q (%v), want the page", role, href, h1, err)
			}
			broken, err := run(ctx, chromedp.Evaluate[[]string](brokenLinksJS, chromedp.EvalAwaitPromise))
			if err != nil || len(broken) > 0 {
				t.Errorf("%s on %s: links that do not open: %v (%v)", role, href, broken, err)
			}
		}
		b.leave("sign "+name+" out", chromedp.Click(chromedp.CSS(`.signout button`)))
	}
	if got := problems(); len(got) > 0 {
		t.Errorf("the browser reported problems:\n%s", strings.Join(got, "\n"))
	}
}
