package http

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
)

// chromiumPath is where Debian's chromium package installs the browser; .ci/run installs it.
const chromiumPath = "/usr/bin/chromium"

// newBrowser starts a headless Chromium for one test, or skips the test when there is none.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test: %s is missing (apt-get install -y chromium)", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The browser lives as long as the context of its first action, so that one has no deadline;
	// the steps of the test have theirs (see run).
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	return ctx
}

// stepTimeout bounds one step of a browser test, so a page that never shows what the step waits
// for fails the test instead of hanging it.
const stepTimeout = 20 * time.Second

// run runs a browser action with the step deadline.
func run[T any](ctx context.Context, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// pageText returns where the browser is and what its page says, to explain a failed step.
func pageText(ctx context.Context) string {
	loc, _ := run(ctx, chromedp.Location())
	text, _ := run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return loc + ": " + text
}

// tab is a browser tab driven by a test: each step fails the test with the page's text.
type tab struct {
	t   *testing.T
	ctx context.Context
}

// step runs actions in order.
func (b tab) step(name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if _, err := run(b.ctx, chromedp.Steps(actions...)); err != nil {
		b.t.Fatalf("%s: %v\n%s", name, err, pageText(b.ctx))
	}
}

// wait waits until the JavaScript predicate holds.
func (b tab) wait(what, predicate string) {
	b.t.Helper()
	if _, err := run(b.ctx, chromedp.Poll[bool](predicate)); err != nil {
		b.t.Fatalf("waiting for %s: %v\n%s", what, err, pageText(b.ctx))
	}
}

// signIn opens path signed out and signs in on the page it is sent to, ending on path.
func (b tab) signIn(base, path, name, pw, landed string) {
	b.t.Helper()
	b.step("open "+path+" signed out", chromedp.Navigate(base+path),
		chromedp.WaitVisible(chromedp.CSS(`input[name="password"]`)))
	b.step("sign in",
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), pw),
		chromedp.Click(chromedp.CSS(`.login button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(landed)))
}

// mediaState is what the page shows of the case media.
type mediaState struct {
	Filter   string `json:"filter"`
	Src      string `json:"src"`
	Revealed bool   `json:"revealed"`
	Width    int    `json:"width"`
}

const mediaStateJS = `(() => {
	const img = document.getElementById("media-img");
	return JSON.stringify({filter: getComputedStyle(img).filter, src: img.getAttribute("src") || "",
		revealed: document.getElementById("media").classList.contains("revealed"), width: img.naturalWidth});
})()`

// TestUIBrowserReview drives the review flow in a real browser: sign in, open the queue, open
// the case with the keyboard, reveal its media (blurred and greyscale until then, and recorded
// as viewed), and confirm it with the c shortcut.
func TestUIBrowserReview(t *testing.T) {
	ctx := newBrowser(t)
	f := newUIFixture(t)
	pw := f.addUser(t, "rita", vigil.RoleReviewer)
	c := f.openCase(t, testPicture(t, 64, 48))

	tab := tab{t, ctx}
	step, wait := tab.step, tab.wait
	media := func() mediaState {
		t.Helper()
		raw, err := run(ctx, chromedp.Evaluate[string](mediaStateJS))
		if err != nil {
			t.Fatalf("read media state: %v", err)
		}
		var m mediaState
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}

	tab.signIn(f.ts.URL, "/queue", "rita", pw, `#queue tr.selected`)
	step("open the case with enter", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID("reveal")))

	before := media()
	if !strings.Contains(before.Filter, "blur(") || !strings.Contains(before.Filter, "grayscale(") ||
		before.Src != "" || before.Revealed {
		t.Fatalf("before the reveal the media shows %+v; want no image fetched, under a blur and greyscale filter", before)
	}
	if n := f.countAudit(t, "media.view"); n != 0 {
		t.Fatalf("%d media views recorded before the reveal", n)
	}

	step("reveal", chromedp.Click(chromedp.ID("reveal")))
	wait("the revealed picture", `(() => { const img = document.getElementById("media-img");
		return document.getElementById("media").classList.contains("revealed") && img.naturalWidth === 64 &&
			getComputedStyle(img).filter === "none"; })()`)
	if n := f.countAudit(t, "media.view"); n != 1 {
		t.Errorf("%d media views recorded after the reveal, want 1", n)
	}
	if got := media(); !strings.HasPrefix(got.Src, "blob:") {
		t.Errorf("revealed image source %q, want the fetched blob", got.Src)
	}
	step("blur again with h", chromedp.KeyEvent("h"))
	wait("the cover back", `!document.getElementById("media").classList.contains("revealed")`)
	if got := media(); !strings.Contains(got.Filter, "blur(") {
		t.Errorf("after h the filter is %q, want the blur back", got.Filter)
	}

	step("confirm with c", chromedp.KeyEvent("c"))
	wait("the confirm verdict chosen", `document.getElementById("verdict-confirm").checked &&
		document.activeElement.id === "category"`)
	// SetValue, not SendKeys: the protocol's synthetic c reaches the field that the shortcut
	// focused, which a real key press, its keydown cancelled, does not.
	step("give the category and submit",
		chromedp.SetValue(chromedp.ID("category"), "test-category"),
		chromedp.Click(chromedp.ID("decide-submit")),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	notice, err := run(ctx, chromedp.Text(chromedp.CSS(`p.notice`)))
	if err != nil || !strings.Contains(notice, "Decision recorded") {
		t.Errorf("after deciding the page says %q (%v), want the decision notice", notice, err)
	}

	got, err := f.cases.Case(f.system(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != vigil.CaseConfirmed || got.Category != "test-category" {
		t.Errorf("case is %s with category %q, want confirmed with test-category", got.Status, got.Category)
	}
	decisions, err := f.db.AuditEvents(f.system(), vigil.AuditFilter{Action: "case.decide"})
	if err != nil || len(decisions) != 1 || !strings.Contains(decisions[0].Detail, `"viewed_media":true`) {
		t.Errorf("decision audit events %+v (%v); want one that records the media was viewed", decisions, err)
	}
}

// TestUIBrowserImport imports a small hash list through the bank page's form, which sends it to
// the bank import API with the session's CSRF token and reports the outcome.
func TestUIBrowserImport(t *testing.T) {
	ctx := newBrowser(t)
	f := newUIFixture(t)
	pw := f.addUser(t, "ada", vigil.RoleAdmin)
	if err := f.matcher.CreateBank(f.system(), match.NewBank("known", match.Known)); err != nil {
		t.Fatal(err)
	}
	list := filepath.Join(t.TempDir(), "list.txt")
	lines := strings.Repeat("ab", 16) + "\n" + strings.Repeat("cd", 16) + "\nnot a hash\n"
	if err := os.WriteFile(list, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	tab := tab{t, ctx}
	tab.signIn(f.ts.URL, "/banks/known", "ada", pw, `#import`)
	tab.step("choose the file and import",
		chromedp.SetUploadFiles(chromedp.CSS(`#import input[type="file"]`), []string{list}),
		chromedp.SetValue(chromedp.CSS(`#import select[name="type"]`), "md5"),
		chromedp.Click(chromedp.CSS(`#import button[type="submit"]`)))
	tab.wait("the import's summary", `document.querySelector("#import output").className !== ""`)
	out, err := run(ctx, chromedp.Text(chromedp.CSS(`#import output`)))
	if err != nil || !strings.Contains(out, "Imported 2 entries") || !strings.Contains(out, "1 bad lines") {
		t.Errorf("import reports %q (%v), want 2 imported and 1 bad line", out, err)
	}
	if n := f.matcher.Len(); n != 2 {
		t.Errorf("index holds %d entries after the import, want 2", n)
	}
}

// TestUIBrowserAuditFilter filters the audit log in the browser: htmx replaces the results in
// place and puts the filter in the address bar.
func TestUIBrowserAuditFilter(t *testing.T) {
	ctx := newBrowser(t)
	f := newUIFixture(t)
	pw := f.addUser(t, "ada", vigil.RoleAdmin)
	f.openCase(t, nil)
	tab := tab{t, ctx}
	tab.signIn(f.ts.URL, "/audit", "ada", pw, `#audit-results`)
	tab.wait("the case event listed", `document.getElementById("audit-results").innerText.includes("case.open")`)
	// A mark on the window survives only if the page is not reloaded.
	tab.wait("the page marked", `(window.unreloaded = true)`)
	tab.step("filter by action",
		chromedp.SetValue(chromedp.CSS(`input[name="action"]`), "user.create"),
		chromedp.Click(chromedp.CSS(`.filters button[type="submit"]`)))
	tab.wait("the filtered results in place", `(() => {
		const text = document.getElementById("audit-results").innerText;
		return window.unreloaded && text.includes("user.create") && !text.includes("case.open") &&
			location.search.includes("action=user.create");
	})()`)
}
