package storage

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// TestFullBufferWritesTheStalestDay checks which day a full ingest buffer writes: with rows arriving in time
// order (an export read hour by hour), the day that stopped getting rows, so that each day becomes one part
// file even though the buffer holds less than two days. (Writing the largest day instead cuts the day being
// read whenever a small day, a weekend, lingers in the buffer.) With every batch touching every day, the
// largest day goes first.
func TestFullBufferWritesTheStalestDay(t *testing.T) {
	const batches = 6
	perDay := []int{3000, 600, 3000, 3000, 600, 600, 3000, 3000} // weekdays and weekend days
	days := len(perDay)
	total := 0
	for _, n := range perDay {
		total += n
	}
	dayRows := func(day, batch int) *types.Table {
		tab := eventsTable(perDay[day]/batches, 1, day*batches+batch)
		// Put the rows in hour `batch*4` of day `day`, keeping them in time order.
		ts := tab.Cols[0]
		for r := range ts.Ints {
			ts.Ints[r] = day0 + int64(day)*types.TicksPerDay + int64(batch*4)*types.TicksPerHour + int64(r)*types.TicksPerSecond
		}
		return tab
	}
	oneDayBytes := tableBytes(dayRows(0, 0)) * batches // a weekday
	tests := []struct {
		name  string
		order func() []SourceBatch
		// wantMaxParts is the most part files a day may have.
		wantMaxParts int
	}{
		{
			name: "time order: one part per day",
			order: func() []SourceBatch {
				var out []SourceBatch
				for d := range days {
					for b := range batches {
						out = append(out, SourceBatch{Table: "UrlClickEvents", Rows: dayRows(d, b)})
					}
				}
				return out
			},
			wantMaxParts: 1,
		},
		{
			name: "every batch touches every day: still every row stored",
			order: func() []SourceBatch {
				var out []SourceBatch
				for b := range batches {
					var pieces []*types.Table
					for d := range days {
						pieces = append(pieces, dayRows(d, b))
					}
					out = append(out, SourceBatch{Table: "UrlClickEvents", Rows: concatTables(pieces)})
				}
				return out
			},
			wantMaxParts: batches,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			// The buffer holds about one and a third weekdays.
			sum := mustIngest(t, s, &sliceSource{batches: tc.order()}, IngestOptions{MaxBufferedBytes: oneDayBytes * 4 / 3})
			if sum.Stored != int64(total) {
				t.Fatalf("stored %d rows, want %d", sum.Stored, total)
			}
			st := s.tables["UrlClickEvents"]
			parts := map[string]int{}
			for _, f := range st.files {
				parts[f.Day]++
			}
			if len(parts) != days {
				t.Fatalf("parts per day %v, want %d days", parts, days)
			}
			for day, n := range parts {
				if n > tc.wantMaxParts {
					t.Errorf("day %s has %d part files, want at most %d (all: %v)", day, n, tc.wantMaxParts, parts)
				}
			}
		})
	}
}

// concatTables appends tables of the same schema.
func concatTables(ts []*types.Table) *types.Table {
	out := types.NewTable(ts[0].Fields)
	for _, t := range ts {
		for r := 0; r < t.NumRows(); r++ {
			for i, c := range t.Cols {
				out.Cols[i].Append(c.Value(r))
			}
		}
	}
	return out
}
