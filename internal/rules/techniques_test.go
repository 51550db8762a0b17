package rules

import (
	"reflect"
	"testing"
)

func TestTechniqueTacticsMap(t *testing.T) {
	tests := []struct {
		name      string
		technique string
		want      []string
	}{
		{name: "one tactic", technique: "T1566", want: []string{"InitialAccess"}},
		{name: "several tactics", technique: "T1078", want: []string{"InitialAccess", "Persistence", "PrivilegeEscalation", "DefenseEvasion"}},
		{name: "pre-attack and its successor", technique: "T1583", want: []string{"PreAttack", "ResourceDevelopment"}},
		{name: "ICS technique", technique: "T0857", want: []string{"Persistence", "InhibitResponseFunction"}},
		{name: "unknown", technique: "T9999", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := techniqueTactics()[tt.technique]
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("tactics of %s = %v, want %v", tt.technique, got, tt.want)
			}
		})
	}
	for id, tactics := range techniqueTactics() {
		if !techniqueRe.MatchString(id) {
			t.Errorf("map key %q is not a technique ID", id)
		}
		for _, tac := range tactics {
			if !contains(tacticsAccepted(), tac) {
				t.Errorf("%s: %q is not a tactic name Sentinel knows", id, tac)
			}
		}
	}
}

// tacticsAccepted are the tactic names the map may use: CI's current names and the older PreAttack.
func tacticsAccepted() []string { return append(append([]string{}, tactics...), "PreAttack") }
