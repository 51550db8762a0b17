package kernel

import (
	"regexp"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// parse_user_agent(ua, look_for): browser, operating system and device of a user-agent string, in the shape
// the reference gives ({"Browser": {"Family", "MajorVersion", "MinorVersion", "Patch"}, "OperatingSystem":
// {..., "PatchMinor"}, "Device": {"Family", "Brand", "Model"}}). Kusto matches the ua-parser pattern
// collection; this is a subset of it covering the browsers, tools, systems and devices hunting data shows.
// Anything not recognized is family "Other" with empty versions.

// uaRule matches a family; versions come from the pattern's groups (dots and underscores both split them).
type uaRule struct {
	re     *regexp.Regexp
	family string // "$1" takes the family from the first group
}

func uaRules(specs ...[2]string) []uaRule {
	out := make([]uaRule, len(specs))
	for i, s := range specs {
		out[i] = uaRule{regexp.MustCompile(s[0]), s[1]}
	}
	return out
}

// The order matters: the first match wins, so browsers that also announce Chrome or Safari come first.
var browserRules = uaRules(
	[2]string{`(?:Edge|Edg|EdgA|EdgiOS)/(\d+)(?:\.(\d+))?(?:\.(\d+))?`, "Edge"},
	[2]string{`(?:OPR|Opera)/(\d+)(?:\.(\d+))?(?:\.(\d+))?`, "Opera"},
	[2]string{`SamsungBrowser/(\d+)(?:\.(\d+))?(?:\.(\d+))?`, "Samsung Internet"},
	[2]string{`YaBrowser/(\d+)(?:\.(\d+))?(?:\.(\d+))?`, "Yandex Browser"},
	[2]string{`Vivaldi/(\d+)(?:\.(\d+))?(?:\.(\d+))?`, "Vivaldi"},
	[2]string{`AdobeAIR/(\d+)(?:\.(\d+))?(?:\.(\d+))?`, "AdobeAIR"},
	[2]string{`Series60/(\d+)(?:\.(\d+))?.*Nokia`, "Nokia OSS Browser"},
	[2]string{`(?:Firefox|FxiOS)/(\d+)(?:\.(\d+))?(?:\.(\d+))?`, "Firefox"},
	[2]string{`CriOS/(\d+)(?:\.(\d+))?(?:\.(\d+))?`, "Chrome Mobile iOS"},
	[2]string{`Android.*Chrome/(\d+)(?:\.(\d+))?(?:\.(\d+))?.*Mobile`, "Chrome Mobile"},
	[2]string{`Chrome/(\d+)(?:\.(\d+))?(?:\.(\d+))?`, "Chrome"},
	[2]string{`(?:iPhone|iPad|iPod).*Version/(\d+)(?:\.(\d+))?(?:\.(\d+))?.*Safari`, "Mobile Safari"},
	[2]string{`Version/(\d+)(?:\.(\d+))?(?:\.(\d+))?.*Safari/`, "Safari"},
	[2]string{`MSIE (\d+)(?:\.(\d+))?`, "IE"},
	[2]string{`Trident/.*rv:(\d+)(?:\.(\d+))?`, "IE"},
	[2]string{`WindowsPowerShell/(\d+)(?:\.(\d+))?(?:\.(\d+))?`, "PowerShell"},
	[2]string{`^(curl|Wget|python-requests|Go-http-client|okhttp|Java|axios|PostmanRuntime|Apache-HttpClient|libwww-perl)/(\d+)(?:\.(\d+))?(?:\.(\d+))?`, "$1"},
	[2]string{`(?i)(bot|crawler|spider)`, "Spider"},
)

var osRules = uaRules(
	[2]string{`Windows Phone (?:OS )?(\d+)(?:\.(\d+))?`, "Windows Phone"},
	[2]string{`Windows NT (\d+)(?:\.(\d+))?`, "Windows"},
	[2]string{`(?:iPhone|CPU) OS (\d+)(?:_(\d+))?(?:_(\d+))?`, "iOS"},
	[2]string{`iPad.*OS (\d+)(?:_(\d+))?(?:_(\d+))?`, "iOS"},
	[2]string{`Mac OS X (\d+)(?:[_.](\d+))?(?:[_.](\d+))?`, "Mac OS X"},
	[2]string{`Android (\d+)(?:\.(\d+))?(?:\.(\d+))?`, "Android"},
	[2]string{`CrOS \S+ (\d+)(?:\.(\d+))?(?:\.(\d+))?`, "Chrome OS"},
	[2]string{`SymbianOS/(\d+)(?:\.(\d+))?`, "Symbian OS"},
	[2]string{`Ubuntu`, "Ubuntu"},
	[2]string{`Linux`, "Linux"},
	[2]string{`Windows`, "Windows"},
)

// windowsVersions maps NT kernel versions to the Windows release ua-parser reports.
var windowsVersions = map[string][2]string{
	"10.0": {"10", ""}, "6.3": {"8", "1"}, "6.2": {"8", ""}, "6.1": {"7", ""}, "6.0": {"Vista", ""},
	"5.1": {"XP", ""}, "5.2": {"XP", ""}, "5.0": {"2000", ""},
}

var (
	nokiaDevice   = regexp.MustCompile(`Nokia(\w+)-?(\w*)`)
	androidDevice = regexp.MustCompile(`Android [\d.]+; (?:[a-zA-Z]{2}[-_][a-zA-Z]{2}; )?([^;)]+?)(?: Build/[^;)]*)?\)`)
	samsungModel  = regexp.MustCompile(`^(SM-\w+|GT-\w+|SAMSUNG[- ]\w+)`)
	botPattern    = regexp.MustCompile(`(?i)(bot|crawler|spider)`)
)

// matchRule returns the family and up to four version parts of the first matching rule.
func matchRule(rules []uaRule, ua string) (string, [4]string, bool) {
	var v [4]string
	for _, r := range rules {
		m := r.re.FindStringSubmatch(ua)
		if m == nil {
			continue
		}
		family, groups := r.family, m[1:]
		if family == "$1" {
			family, groups = m[1], m[2:]
		}
		if family == "Spider" {
			return family, v, true
		}
		for i := 0; i < len(groups) && i < 4; i++ {
			v[i] = groups[i]
		}
		return family, v, true
	}
	return "Other", v, false
}

func uaBrowser(ua string) *types.Bag {
	family, v, _ := matchRule(browserRules, ua)
	b := types.NewBag()
	b.Set("Family", family)
	b.Set("MajorVersion", v[0])
	b.Set("MinorVersion", v[1])
	b.Set("Patch", v[2])
	return b
}

func uaOS(ua string) *types.Bag {
	family, v, _ := matchRule(osRules, ua)
	if family == "Windows" && v[0] != "" {
		if w, ok := windowsVersions[v[0]+"."+v[1]]; ok {
			v = [4]string{w[0], w[1]}
		}
	}
	b := types.NewBag()
	b.Set("Family", family)
	b.Set("MajorVersion", v[0])
	b.Set("MinorVersion", v[1])
	b.Set("Patch", v[2])
	b.Set("PatchMinor", v[3])
	return b
}

func uaDevice(ua string) *types.Bag {
	family, brand, model := "Other", "", ""
	switch {
	case botPattern.MatchString(ua):
		family, brand, model = "Spider", "Spider", "Desktop"
	case strings.Contains(ua, "iPhone"):
		family, brand, model = "iPhone", "Apple", "iPhone"
	case strings.Contains(ua, "iPad"):
		family, brand, model = "iPad", "Apple", "iPad"
	case strings.Contains(ua, "Macintosh"):
		family, brand, model = "Mac", "Apple", "Mac"
	case strings.Contains(ua, "Nokia"):
		if m := nokiaDevice.FindStringSubmatch(ua); m != nil {
			family, brand, model = "Nokia "+m[1], "Nokia", m[1]
			if m[2] != "" {
				model += "-" + m[2]
			}
		}
	case strings.Contains(ua, "Android"):
		family, brand, model = "Generic Smartphone", "Generic", "Smartphone"
		if m := androidDevice.FindStringSubmatch(ua); m != nil {
			name := strings.TrimSpace(m[1])
			if sm := samsungModel.FindString(name); sm != "" {
				family, brand, model = "Samsung "+sm, "Samsung", sm
			} else if name != "" && name != "K" {
				family, brand, model = name, "Generic_Android", name
			}
		}
	}
	b := types.NewBag()
	b.Set("Family", family)
	b.Set("Brand", brand)
	b.Set("Model", model)
	return b
}

func init() {
	registerRowFunc("parse_user_agent", nil, types.Dynamic, 2, 2, paramTypes(tString, tString|tDynamic), func(_ *Context, v []types.Value) types.Value {
		if anyNull(v) {
			return nullV(types.Dynamic)
		}
		var targets []string
		if v[1].Type == types.Dynamic {
			arr, ok := v[1].D.([]any)
			if !ok {
				return nullV(types.Dynamic)
			}
			for _, e := range arr {
				s, ok := e.(string)
				if !ok {
					return nullV(types.Dynamic)
				}
				targets = append(targets, s)
			}
		} else {
			targets = []string{v[1].S}
		}
		out := types.NewBag()
		for _, t := range targets {
			switch strings.ToLower(t) {
			case "browser":
				out.Set("Browser", uaBrowser(v[0].S))
			case "os":
				out.Set("OperatingSystem", uaOS(v[0].S))
			case "device":
				out.Set("Device", uaDevice(v[0].S))
			default:
				return nullV(types.Dynamic)
			}
		}
		return types.NewDynamic(out)
	})
}
