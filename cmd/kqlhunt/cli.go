package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the query, the rule or the data is wrong
	exitUsage = 2 // the command line is wrong
)

// streams are where a command reads and writes; tests pass buffers.
type streams struct {
	in     io.Reader
	out    io.Writer // results only, so that pipes get clean data
	errOut io.Writer // warnings, summaries, errors and the terminal chart
	// errIsTerminal says whether errOut is a terminal (the terminal chart is drawn there by default).
	errIsTerminal bool
}

func newStreams(in *os.File, out, errOut *os.File) *streams {
	return &streams{in: in, out: out, errOut: errOut, errIsTerminal: isTerminal(errOut)}
}

// isTerminal reports whether f is a character device (a terminal, not a pipe or a file).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// usageError is a command-line mistake: it exits with exitUsage and points at --help.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// run executes the command line args and returns the process exit code.
func run(ctx context.Context, args []string, s *streams) int {
	root := newRootCommand(s)
	root.SetArgs(args)
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.errOut)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errFindings) {
		return exitError // the findings are the output
	}
	var usage usageError
	if errors.As(err, &usage) || isCobraUsageError(err) {
		fmt.Fprintf(s.errOut, "kqlhunt: %v\nRun '%s --help' for usage.\n", err, cmd.CommandPath())
		return exitUsage
	}
	fmt.Fprintln(s.errOut, formatError(err))
	return exitError
}

// isCobraUsageError recognises the errors cobra itself returns for a wrong command line.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, prefix := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least",
		"requires at most", "invalid argument", "flag needs an argument", "bad flag syntax", "required flag"} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}

// hintError is an error followed by a line of advice.
type hintError struct {
	err  error
	hint string
}

func (h hintError) Error() string { return h.err.Error() }
func (h hintError) Unwrap() error { return h.err }

// formatError prints diagnostics with their source line and caret, other errors as they are.
func formatError(err error) string {
	var hint hintError
	if errors.As(err, &hint) {
		return formatError(hint.err) + "\n" + hint.hint
	}
	var diags *source.DiagnosticList
	if errors.As(err, &diags) {
		return diags.Pretty()
	}
	var diag *source.Diagnostic
	if errors.As(err, &diag) {
		return diag.Pretty()
	}
	return "kqlhunt: " + err.Error()
}

func newRootCommand(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "kqlhunt",
		Short: "Run KQL hunting rules locally on exported Defender XDR and Sentinel data",
		Long: `kqlhunt runs KQL (Kusto Query Language) hunting rules for Microsoft Sentinel and Defender XDR on
your own machine, over data exported by the Defender Streaming API, Advanced Hunting CSV exports, and
other Microsoft formats, with Kusto's semantics.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newRunCommand(s), newQueryCommand(s), newGenCommand(s), newVersionCommand(s), newCorpusCommand(s), newCheckCommand(s), newTestCommand(s), newReportCommand(s),
		newIngestCommand(s), newServeCommand(s))
	return root
}
