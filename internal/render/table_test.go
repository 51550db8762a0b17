package render

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// allTypesTable has one column of every KQL type: a row of ordinary values, a row of nulls, and a row of edge values.
func allTypesTable(t *testing.T) *types.Table {
	t.Helper()
	tb := types.NewTable([]types.Field{
		{Name: "b", Type: types.Bool}, {Name: "i", Type: types.Int}, {Name: "l", Type: types.Long},
		{Name: "r", Type: types.Real}, {Name: "d", Type: types.Decimal}, {Name: "s", Type: types.String},
		{Name: "dt", Type: types.DateTime}, {Name: "ts", Type: types.TimeSpan}, {Name: "g", Type: types.GUID},
		{Name: "dyn", Type: types.Dynamic},
	})
	ts, ok := types.ParseDateTime("2026-11-03T18:30:00.5Z")
	if !ok {
		t.Fatal("bad datetime literal")
	}
	bag := types.NewBag()
	bag.Set("k", []any{int64(1), "x", nil})
	tb.AppendRow([]types.Value{types.NewBool(true), types.NewInt(-7), types.NewLong(1234567890123), types.NewReal(1.5),
		{Type: types.Decimal, F: 0.25}, types.NewString("ClickBlocked"), types.NewDateTime(ts),
		types.NewTimeSpan(types.TicksPerDay + 2*types.TicksPerHour + 3*types.TicksPerMinute + 4*types.TicksPerSecond + 5_000_000),
		types.NewGUID("ac738108-451b-4341-ba38-021a00665415"), types.NewDynamic(bag)})
	nulls := make([]types.Value, len(tb.Fields))
	for i, f := range tb.Fields {
		nulls[i] = types.NullOf(f.Type)
	}
	tb.AppendRow(nulls)
	tb.AppendRow([]types.Value{types.NewBool(false), types.NewInt(0), types.NewLong(math.MinInt64), types.NewReal(math.NaN()),
		{Type: types.Decimal, F: math.Inf(-1)}, types.NewString(""), types.NewDateTime(0), types.NewTimeSpan(-types.TicksPerMinute),
		types.NewGUID("00000000-0000-0000-0000-000000000000"), types.NewDynamic("text")})
	return tb
}

func specialStringsTable() *types.Table {
	tb := types.NewTable([]types.Field{{Name: "s", Type: types.String}, {Name: "n", Type: types.Long}})
	for i, s := range []string{"a,b", `say "hi"`, "line1\nline2", "tab\there", "bad\xffutf8", "rtl\u202eoverride", "日本語"} {
		tb.AppendRow([]types.Value{types.NewString(s), types.NewLong(int64(i))})
	}
	return tb
}

func TestWriteTableJSON(t *testing.T) {
	tests := []struct {
		name  string
		table func(*testing.T) *types.Table
		want  string
	}{
		{
			name:  "every type with nulls and edge values",
			table: allTypesTable,
			want: `{"columns":[{"name":"b","type":"bool"},{"name":"i","type":"int"},{"name":"l","type":"long"},{"name":"r","type":"real"},{"name":"d","type":"decimal"},{"name":"s","type":"string"},{"name":"dt","type":"datetime"},{"name":"ts","type":"timespan"},{"name":"g","type":"guid"},{"name":"dyn","type":"dynamic"}],"rows":[` +
				`[true,-7,1234567890123,1.5,0.25,"ClickBlocked","2026-11-03T18:30:00.5000000Z","1.02:03:04.5000000","ac738108-451b-4341-ba38-021a00665415",{"k":[1,"x",null]}],` +
				`[null,null,null,null,null,"",null,null,null,null],` +
				`[false,0,-9223372036854775808,"NaN","-Infinity","","0001-01-01T00:00:00.0000000Z","-00:01:00","00000000-0000-0000-0000-000000000000","text"]]}` + "\n",
		},
		{
			name: "empty table with columns",
			table: func(*testing.T) *types.Table {
				return types.NewTable([]types.Field{{Name: "BlockedClicks", Type: types.Dynamic}})
			},
			want: `{"columns":[{"name":"BlockedClicks","type":"dynamic"}],"rows":[]}` + "\n",
		},
		{
			name:  "no columns",
			table: func(*testing.T) *types.Table { return types.NewTable(nil) },
			want:  `{"columns":[],"rows":[]}` + "\n",
		},
		{
			name:  "special characters are escaped",
			table: func(*testing.T) *types.Table { return specialStringsTable() },
			want:  `{"columns":[{"name":"s","type":"string"},{"name":"n","type":"long"}],"rows":[["a,b",0],["say \"hi\"",1],["line1\nline2",2],["tab\there",3],["bad\ufffdutf8",4],["rtl` + "\u202e" + `override",5],["日本語",6]]}` + "\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteTable(&b, tc.table(t), "json"); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestWriteTableCSV(t *testing.T) {
	tests := []struct {
		name  string
		table func(*testing.T) *types.Table
		want  string
	}{
		{
			name:  "every type with nulls and edge values",
			table: allTypesTable,
			want: "b,i,l,r,d,s,dt,ts,g,dyn\n" +
				`true,-7,1234567890123,1.5,0.25,ClickBlocked,2026-11-03T18:30:00.5000000Z,1.02:03:04.5000000,ac738108-451b-4341-ba38-021a00665415,"{""k"":[1,""x"",null]}"` + "\n" +
				",,,,,,,,,\n" +
				`false,0,-9223372036854775808,NaN,-Infinity,,0001-01-01T00:00:00.0000000Z,-00:01:00,00000000-0000-0000-0000-000000000000,"""text"""` + "\n",
		},
		{
			name: "empty table",
			table: func(*testing.T) *types.Table {
				return types.NewTable([]types.Field{{Name: "a", Type: types.Long}, {Name: "b c", Type: types.String}})
			},
			want: "a,b c\n",
		},
		{
			name:  "quoting of special characters",
			table: func(*testing.T) *types.Table { return specialStringsTable() },
			want:  "s,n\n\"a,b\",0\n\"say \"\"hi\"\"\",1\n\"line1\nline2\",2\ntab\there,3\nbad\uFFFDutf8,4\nrtl\u202eoverride,5\n日本語,6\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteTable(&b, tc.table(t), "csv"); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestWriteText(t *testing.T) {
	tests := []struct {
		name  string
		table func(*testing.T) *types.Table
		opts  TextOptions
		want  string
	}{
		{
			name:  "every type, numbers right-aligned, nulls blank",
			table: allTypesTable,
			opts:  TextOptions{MaxCellWidth: 12},
			want: "" +
				"b      i   l                     r    d          s             dt            ts            g             dyn\n" +
				"-----  --  --------------------  ---  ---------  ------------  ------------  ------------  ------------  ------------\n" +
				"true   -7         1234567890123  1.5       0.25  ClickBlocked  2026-11-03T…  1.02:03:04.…  ac738108-45…  {\"k\":[1,\"x\"…\n" +
				"\n" +
				"false   0  -9223372036854775808  NaN  -Infinity                0001-01-01T…  -00:01:00     00000000-00…  \"text\"\n" +
				"3 rows\n",
		},
		{
			name: "no rows",
			table: func(*testing.T) *types.Table {
				return types.NewTable([]types.Field{{Name: "Count", Type: types.Long}, {Name: "Name", Type: types.String}})
			},
			want: "Count  Name\n-----  ----\n0 rows\n",
		},
		{
			name:  "no columns",
			table: func(*testing.T) *types.Table { return types.NewTable(nil) },
			want:  "0 rows\n",
		},
		{
			name:  "control characters, invalid UTF-8 and wide characters keep the layout",
			table: func(*testing.T) *types.Table { return specialStringsTable() },
			want: "" +
				"s                  n\n" +
				"-----------------  -\n" +
				"a,b                0\n" +
				"say \"hi\"           1\n" +
				`line1\nline2       2` + "\n" +
				`tab\there          3` + "\n" +
				`bad\xffutf8        4` + "\n" +
				`rtl\u202eoverride  5` + "\n" +
				"日本語             6\n" +
				"7 rows\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteText(&b, tc.table(t), tc.opts); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestWriteTableUnknownFormat(t *testing.T) {
	err := WriteTable(&bytes.Buffer{}, types.NewTable(nil), "xml")
	if err == nil || !strings.Contains(err.Error(), `"xml"`) {
		t.Fatalf("want an error naming the format, got %v", err)
	}
}
