package http

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/password"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/pipeline"
	"github.com/vigilproject/vigil/sqlite"
)

// testStack is what every server fixture of this package builds on: a database in a temporary
// directory with its bank store, a Matcher over it, and users whose passwords hash cheaply so
// that tests signing in stay fast.
type testStack struct {
	db      *sqlite.DB
	banks   *sqlite.BankStore
	matcher *match.Matcher
	users   *sqlite.Users
}

func newTestStack(tb testing.TB, clock vigil.Clock) testStack {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "vigil.db"), clock)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	banks := sqlite.NewBankStore(db)
	m, err := match.NewMatcher(ctx, banks, clock.Now)
	if err != nil {
		tb.Fatal(err)
	}
	users := sqlite.NewUsers(db)
	users.Hashing = password.Params{Memory: 64, Time: 1, Threads: 1}
	return testStack{db: db, banks: banks, matcher: m, users: users}
}

// startPipeline starts a content pipeline with workers workers (0 for the default) over the
// stack, stopped when the test ends.
func (st testStack) startPipeline(tb testing.TB, clock vigil.Clock, workers int) *pipeline.Pipeline {
	tb.Helper()
	p := pipeline.New(pipeline.Config{Store: sqlite.NewContentStore(st.db), Matcher: st.matcher, Clock: clock, Workers: workers})
	if err := p.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Stop(context.Background()) })
	return p
}

// keyPerScope creates one API key for each scope, holding that scope alone, and returns their
// secrets by scope.
func (st testStack) keyPerScope(tb testing.TB, scopes ...vigil.Scope) map[vigil.Scope]string {
	tb.Helper()
	keys := make(map[vigil.Scope]string, len(scopes))
	for _, sc := range scopes {
		secret, _, err := st.users.CreateKey(context.Background(), string(sc)+"-key", []vigil.Scope{sc})
		if err != nil {
			tb.Fatal(err)
		}
		keys[sc] = secret
	}
	return keys
}
