package render

import (
	"os"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestZZScratch(t *testing.T) {
	many := types.NewTable([]types.Field{{Name: "T", Type: types.DateTime}, {Name: "Host", Type: types.String}, {Name: "n", Type: types.Long}})
	for i := 0; i < 3000; i++ {
		many.AppendRow([]types.Value{types.NewDateTime(day0(t) + int64(i%5)*types.TicksPerHour), types.NewString(strings.Repeat("h", i%7) + string(rune('a'+i%26)) + string(rune('0'+i%10))), types.NewLong(int64(i))})
	}
	cases := []struct {
		name string
		tb   *types.Table
		v    *types.Visualization
	}{
		{"log", seedSeriesTable(t), vis("timechart", "accumulate", "true", "yaxis", "log")},
		{"bar100", byCategoryTable(t), vis("barchart", "kind", "stacked100")},
		{"scatter", numericXYTable(t), vis("scatterchart", "ymin", "0", "ymax", "20")},
		{"many", many, vis("timechart")},
	}
	for _, c := range cases {
		f, _ := os.Create("/tmp/z_" + c.name + ".png")
		if err := Chart(f, c.tb, c.v, "png", ChartOptions{Width: 800, Height: 400}); err != nil {
			t.Error(c.name, err)
		}
		f.Close()
	}
}
