package kernel

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestBuildSchema(t *testing.T) {
	tests := []struct {
		name   string
		values []types.Value
		want   string // JSON of the schema; "null" for none
	}{
		{"docs example", []types.Value{J(`{"x":1, "y":3.5}`), J(`{"x":"somevalue", "z":[1, 2, 3]}`), J(`{"y":{"w":"zzz"}, "t":["aa", "bb"], "z":["foo"]}`)},
			`{"x":["long","string"],"y":["double",{"w":"string"}],"z":{"` + "`indexer`" + `":["long","string"]},"t":{"` + "`indexer`" + `":"string"}}`},
		{"one primitive is not wrapped", []types.Value{J(`{"a":true}`), J(`{"a":false}`)}, `{"a":"bool"}`},
		{"container first keeps its place in the union", []types.Value{J(`{"a":{"b":1}}`), J(`{"a":2}`)}, `{"a":[{"b":"long"},"long"]}`},
		{"bags and arrays at one place merge", []types.Value{J(`{"a":{"b":1}}`), J(`{"a":[true]}`)}, `{"a":{"b":"long","` + "`indexer`" + `":"bool"}}`},
		{"nested arrays", []types.Value{J(`[[1],[2.5]]`)}, `{"` + "`indexer`" + `":{"` + "`indexer`" + `":["long","double"]}}`},
		{"nulls add nothing", []types.Value{N(types.Dynamic), J(`{"a":null,"b":"x"}`)}, `{"b":"string"}`},
		{"top-level union", []types.Value{J(`1`), J(`"s"`)}, `["long","string"]`},
		{"only nulls", []types.Value{N(types.Dynamic)}, `null`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			groups := make([]uint32, len(tc.values))
			out := runAgg(t, "buildschema", groups, 1, col(types.Dynamic, tc.values...))
			if got := types.FormatJSON(out[0].Value(0).D); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
