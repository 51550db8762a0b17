package exec

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
)

// TestSlidingWindowCounts follows the reference's example (3-day lookback, daily bins) and slices it by a
// dimension.
func TestSlidingWindowCounts(t *testing.T) {
	data := `let T = datatable(UserId:string, Timestamp:datetime, Site:string)['Bob', datetime(2017-08-01), 'a', 'David', datetime(2017-08-01), 'a',
		'David', datetime(2017-08-01), 'b', 'John', datetime(2017-08-01), 'a', 'Bob', datetime(2017-08-01), 'a', 'Ananda', datetime(2017-08-02), 'a',
		'Atul', datetime(2017-08-02), 'a', 'John', datetime(2017-08-02), 'a', 'Ananda', datetime(2017-08-03), 'a', 'Atul', datetime(2017-08-03), 'a',
		'Atul', datetime(2017-08-03), 'a', 'John', datetime(2017-08-03), 'a', 'Bob', datetime(2017-08-03), 'a', 'Betsy', datetime(2017-08-04), 'a',
		'Bob', datetime(2017-08-05), 'a', 'Late', datetime(2017-08-09), 'a'];`
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"reference example", data + ` T | evaluate sliding_window_counts(UserId, Timestamp, datetime(2017-08-01), datetime(2017-08-07), 3d, 1d) | project r = strcat(Count, "/", Dcount)`,
			"5/3;8/5;13/5;9/5;7/5;2/2;1/1"},
		{"by a dimension", data + ` T | evaluate sliding_window_counts(UserId, Timestamp, datetime(2017-08-01), datetime(2017-08-02), 2d, 1d, Site) | project r = strcat(Site, Count, "/", Dcount)`,
			"a4/3;a7/5;b1/1;b1/1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := runQuery(t, tc.query, catalog.Map{}, sema.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rows, ";"); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestRollingPercentile checks the nearest-rank percentile over the last BinsPerWindow bins, per dimension.
func TestRollingPercentile(t *testing.T) {
	data := `range idx from 0 to 71 step 1 | project Timestamp = datetime(2018-01-01) + 1h * idx, val = idx + 1 | extend EvenOrOdd = iff(val % 2 == 0, "Even", "Odd")`
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"three-day window per dimension", data + ` | evaluate rolling_percentile(val, 50, Timestamp, 1d, 3, EvenOrOdd) | project r = strcat(EvenOrOdd, rolling_3_percentile_val_50)`,
			"Even12;Even24;Even36;Odd11;Odd23;Odd35"},
		{"window of one bin", data + ` | evaluate rolling_percentile(val, 100, Timestamp, 1d, 1) | project r = tostring(rolling_1_percentile_val_100)`,
			"24;48;72"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := runQuery(t, tc.query, catalog.Map{}, sema.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rows, ";"); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestActivityCountsMetrics follows the reference's example, sliced by a dimension too.
func TestActivityCountsMetrics(t *testing.T) {
	data := `let T = datatable(UserId:string, Timestamp:datetime, Dim:string)['A', datetime(2017-08-01), 'x', 'D', datetime(2017-08-01), 'x',
		'J', datetime(2017-08-01), 'x', 'B', datetime(2017-08-01), 'y', 'C', datetime(2017-08-02), 'x', 'T', datetime(2017-08-02), 'x',
		'J', datetime(2017-08-02), 'x', 'H', datetime(2017-08-03), 'x', 'T', datetime(2017-08-03), 'x', 'T', datetime(2017-08-03), 'x',
		'J', datetime(2017-08-03), 'x', 'B', datetime(2017-08-03), 'x', 'S', datetime(2017-08-03), 'x', 'S', datetime(2017-08-04), 'x'];`
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"reference example", data + ` T | evaluate activity_counts_metrics(UserId, Timestamp, datetime(2017-08-01), datetime(2017-08-04), 1d) | project r = strcat(['count'], "/", dcount, "/", new_dcount, "/", aggregated_dcount)`,
			"4/4/4/4;3/3/2/6;6/5/2/8;1/1/0/8"},
		{"by a dimension", data + ` T | where Dim == 'y' | evaluate activity_counts_metrics(UserId, Timestamp, datetime(2017-08-01), datetime(2017-08-02), 1d, Dim) | project r = strcat(Dim, ['count'], new_dcount, aggregated_dcount)`,
			"y111;y001"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := runQuery(t, tc.query, catalog.Map{}, sema.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rows, ";"); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestRowsNear checks the rows kept around matching rows, with the optional separate count after them.
func TestRowsNear(t *testing.T) {
	data := `range v from 1 to 10 step 1 | extend hit = v == 3 or v == 9`
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"same before and after", data + ` | evaluate rows_near(hit, 1) | project r = tostring(v)`, "2;3;4;8;9;10"},
		{"rows after apart", data + ` | evaluate rows_near(hit, 2, 0) | project r = tostring(v)`, "1;2;3;7;8;9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := runQuery(t, tc.query, catalog.Map{}, sema.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rows, ";"); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestActiveUsersCount follows the reference's example: ids seen on 3 distinct days within 8 days of an
// appearance are active; appearances before Start only count for the lookback.
func TestActiveUsersCount(t *testing.T) {
	data := `let T = datatable(User:string, Timestamp:datetime)["B", datetime(2018-06-29), "B", datetime(2018-06-30), "A", datetime(2018-07-02),
		"B", datetime(2018-07-04), "B", datetime(2018-07-08), "A", datetime(2018-07-10), "A", datetime(2018-07-14), "A", datetime(2018-07-17),
		"A", datetime(2018-07-20), "B", datetime(2018-07-24)];`
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"reference example", data + ` T | evaluate active_users_count(User, Timestamp, datetime(2018-07-01), datetime(2018-07-31), 8d, 1d, 3, 7d) | project r = strcat(format_datetime(Timestamp, "MM-dd"), "=", dcount)`,
			"07-01=1;07-15=1"},
		{"two active periods suffice", data + ` T | evaluate active_users_count(User, Timestamp, datetime(2018-07-01), datetime(2018-07-31), 8d, 1d, 2, 7d) | project r = strcat(format_datetime(Timestamp, "MM-dd"), "=", dcount)`,
			"07-01=1;07-08=2;07-15=1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := runQuery(t, tc.query, catalog.Map{}, sema.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rows, ";"); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
