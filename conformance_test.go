package kqlhunt_test

import (
	"context"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/kqltest"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// runEngine runs a conformance query with no tables besides the ones it defines.
func runEngine(ctx context.Context, src *source.Source, now time.Time) (*types.Table, error) {
	res, err := engine.Run(ctx, src, engine.Options{Now: now, Catalog: catalog.Map{}})
	if err != nil {
		return nil, err
	}
	return res.Table, nil
}

// TestConformance runs every case in testdata/conformance: core must all pass (save skip.txt), compared
// exactly; docs must pass except the cases docs-skip.txt lists, with the pages' display forms accepted.
func TestConformance(t *testing.T) {
	t.Run("core", kqltest.Suite{
		Dir:      "testdata/conformance/core",
		SkipFile: "testdata/conformance/skip.txt",
		Run:      runEngine,
	}.Test)
	t.Run("docs", kqltest.Suite{
		Dir:       "testdata/conformance/docs",
		SkipFile:  "testdata/conformance/docs-skip.txt",
		Run:       runEngine,
		Timeout:   30 * time.Second,
		Updatable: true,
		DocsForms: true, // the reference pages' tables are rendered for reading; core's hold exact results
	}.Test)
}
