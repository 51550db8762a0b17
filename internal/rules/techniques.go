package rules

import (
	_ "embed"
	"encoding/json"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

//go:embed attack/techniques.json
var techniquesJSON []byte

// techniqueTactics is the technique ID -> tactics map Sentinel's CI validates with (attack/README.md).
var techniqueTactics = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	if err := json.Unmarshal(techniquesJSON, &m); err != nil {
		panic("rules: attack/techniques.json is not valid: " + err.Error()) // embedded data, checked by the tests
	}
	return m
})

// checkTechniqueTactics is Sentinel's CI check that every technique has one of its tactics listed. CI applies it to
// Scheduled rules only [RULES.md §2, NRT]; for NRT rules and hunting queries it is a warning.
func (m *ruleMeta) checkTechniqueTactics() {
	techs := m.vals["relevantTechniques"]
	if techs == nil || techs.Kind != yaml.SequenceNode {
		return
	}
	listed := map[string]bool{}
	if t := m.vals["tactics"]; t != nil && t.Kind == yaml.SequenceNode {
		for _, item := range t.Content {
			listed[scalar(item)] = true
		}
	}
	if len(listed) == 0 {
		return // "techniques but no tactics" is reported once by checkTactics
	}
	severity := "warning"
	if m.kind == "Scheduled" {
		severity = "error"
	}
	const ciMessage = "No valid tactic corresponding to the technique %s was provided in the tactics field."
	for _, item := range techs.Content {
		id := scalar(item)
		if !techniqueRe.MatchString(id) {
			continue // reported by the shape check
		}
		base, _, _ := strings.Cut(id, ".")
		want, known := techniqueTactics()[base]
		if !known {
			m.c.add(item.Line, item.Column, severity, "technique-unknown", ciMessage+" (%s is not in the technique map Sentinel's CI uses)", id, base)
			continue
		}
		found := false
		for _, t := range want {
			found = found || listed[t]
		}
		if !found {
			m.c.add(item.Line, item.Column, severity, "technique-tactic", ciMessage+" (%s belongs to %s)", id, base, strings.Join(want, ", "))
		}
	}
}
