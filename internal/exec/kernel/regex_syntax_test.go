package kernel

import "testing"

func TestGoRegexSyntax(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "four-digit escape", in: `[\u02B0-\u02FF]`, want: `[\x{02B0}-\x{02FF}]`},
		{name: "braced escape", in: `\u{7F}x`, want: `\x{7F}x`},
		{name: "eight-digit escape", in: `\U0001F600`, want: `\x{0001F600}`},
		{name: "braced long escape", in: `\U{1F600}`, want: `\x{1F600}`},
		{name: "escaped backslash before u", in: `\\u0041`, want: `\\u0041`},
		{name: "too few digits kept for Go to report", in: `\u12`, want: `\u12`},
		{name: "other escapes untouched", in: `\d+\.\w`, want: `\d+\.\w`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := GoRegexSyntax(tt.in); got != tt.want {
				t.Errorf("GoRegexSyntax(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	re, err := compileRegex(`^[\u0041-\u005A]+$`)
	if err != nil || !re.MatchString("KQL") || re.MatchString("kql") {
		t.Errorf("compileRegex with \\u escapes: %v", err)
	}
}
