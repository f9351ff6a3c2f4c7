package pipeline

import (
	"context"
	"sync"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/sqlite"
)

// serviceCache holds the service settings so intake never reads them from the database.
// Settings change only through the pipeline, which updates the cache after each commit.
type serviceCache struct {
	mu sync.RWMutex
	m  map[string]vigil.Service
}

func (c *serviceCache) load(ctx context.Context, store *sqlite.ContentStore) error {
	all, err := store.Services(ctx)
	if err != nil {
		return err
	}
	m := make(map[string]vigil.Service, len(all))
	for _, s := range all {
		m[s.Name] = s
	}
	c.mu.Lock()
	c.m = m
	c.mu.Unlock()
	return nil
}

func (c *serviceCache) get(name string) (vigil.Service, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s, ok := c.m[name]
	return s, ok
}

func (c *serviceCache) set(s vigil.Service) {
	c.mu.Lock()
	c.m[s.Name] = s
	c.mu.Unlock()
}

func (c *serviceCache) remove(name string) {
	c.mu.Lock()
	delete(c.m, name)
	c.mu.Unlock()
}

// requireAdmin refuses actors without the admin scope: services decide what may be scanned.
func requireAdmin(ctx context.Context) error {
	if !vigil.ActorFrom(ctx).Can(vigil.ScopeAdmin) {
		return vigil.Errorf(vigil.EFORBIDDEN, "configuring services needs the admin permission")
	}
	return nil
}

// Services lists the configured services.
func (p *Pipeline) Services(ctx context.Context) ([]vigil.Service, error) {
	return p.store.Services(ctx)
}

// Service returns one service's settings.
func (p *Pipeline) Service(ctx context.Context, name string) (vigil.Service, error) {
	return p.store.Service(ctx, name)
}

// SaveService creates or replaces a service's settings.
func (p *Pipeline) SaveService(ctx context.Context, s vigil.Service) (vigil.Service, error) {
	if err := requireAdmin(ctx); err != nil {
		return s, err
	}
	if err := s.Validate(); err != nil {
		return s, err
	}
	saved, err := p.store.SaveService(ctx, s)
	if err != nil {
		return s, err
	}
	p.services.set(saved)
	return saved, nil
}

// DeleteService removes a service; later submissions for it are refused.
func (p *Pipeline) DeleteService(ctx context.Context, name string) error {
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	if err := p.store.DeleteService(ctx, name); err != nil {
		return err
	}
	p.services.remove(name)
	return nil
}

// Counts returns the verdict counts of the days from..to.
func (p *Pipeline) Counts(ctx context.Context, from, to time.Time) ([]vigil.ContentCount, error) {
	return p.store.Counts(ctx, from, to)
}

// Backlog returns how many accepted items wait for their verdict, in the database: items of a
// previous run not yet resumed count too.
func (p *Pipeline) Backlog(ctx context.Context) (int, error) {
	return p.store.Backlog(ctx)
}

var _ vigil.ContentService = (*Pipeline)(nil)
