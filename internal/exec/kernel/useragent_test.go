package kernel

import "testing"

func TestParseUserAgent(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// The reference's two examples.
		{"adobe air", "parse_user_agent",
			args(S("Mozilla/5.0 (Windows; U; en-US) AppleWebKit/531.9 (KHTML, like Gecko) AdobeAIR/2.5.1"), S("browser")),
			J(`{"Browser":{"Family":"AdobeAIR","MajorVersion":"2","MinorVersion":"5","Patch":"1"}}`)},
		{"nokia", "parse_user_agent",
			args(S("Mozilla/5.0 (SymbianOS/9.2; U; Series60/3.1 NokiaN81-3/10.0.032 Profile/MIDP-2.0 Configuration/CLDC-1.1 ) AppleWebKit/413 (KHTML, like Gecko) Safari/4"),
				J(`["browser","os","device"]`)),
			J(`{"Browser":{"Family":"Nokia OSS Browser","MajorVersion":"3","MinorVersion":"1","Patch":""},` +
				`"OperatingSystem":{"Family":"Symbian OS","MajorVersion":"9","MinorVersion":"2","Patch":"","PatchMinor":""},` +
				`"Device":{"Family":"Nokia N81","Brand":"Nokia","Model":"N81-3"}}`)},
		{"edge on windows 10", "parse_user_agent",
			args(S("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91"),
				J(`["browser","os"]`)),
			J(`{"Browser":{"Family":"Edge","MajorVersion":"120","MinorVersion":"0","Patch":"2210"},` +
				`"OperatingSystem":{"Family":"Windows","MajorVersion":"10","MinorVersion":"","Patch":"","PatchMinor":""}}`)},
		{"curl", "parse_user_agent", args(S("curl/7.68.0"), S("browser")),
			J(`{"Browser":{"Family":"curl","MajorVersion":"7","MinorVersion":"68","Patch":"0"}}`)},
		{"iphone", "parse_user_agent",
			args(S("Mozilla/5.0 (iPhone; CPU iPhone OS 14_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.0.3 Mobile/15E148 Safari/604.1"),
				J(`["os","device"]`)),
			J(`{"OperatingSystem":{"Family":"iOS","MajorVersion":"14","MinorVersion":"4","Patch":"","PatchMinor":""},` +
				`"Device":{"Family":"iPhone","Brand":"Apple","Model":"iPhone"}}`)},
		{"unknown", "parse_user_agent", args(S("something"), S("browser")),
			J(`{"Browser":{"Family":"Other","MajorVersion":"","MinorVersion":"","Patch":""}}`)},
		{"bad target", "parse_user_agent", args(S("curl/7.68.0"), S("engine")), J(`null`)},
	})
}
