// Package cli is the flowy command line tool, importable so that it can be
// tested and embedded: cmd/flowy is only a thin wrapper around [Main].
//
// Usage:
//
//	flowy <command> [arguments]
//
// The commands are listed by "flowy help". Each command parses its own flags
// with a flag.FlagSet; flags and positional arguments may be mixed.
package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Exit codes of [Main].
const (
	ExitOK    = 0 // success
	ExitFail  = 1 // the command ran and failed (e.g. the workflow failed)
	ExitUsage = 2 // bad command line: unknown command, bad flag, unknown name
)

// command is one subcommand of flowy.
type command struct {
	// summary is the one-line description shown by "flowy help".
	summary string
	// run runs the command with its arguments (after the command name). It
	// returns the exit code of Main.
	run func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands maps each subcommand name to its implementation.
//
// ===== SUBCOMMAND REGISTRY =====
// To add a subcommand (e.g. "bench"), write its run function in a file of its
// own (cli/bench.go) with the signature of command.run, using a
// flag.FlagSet of its own (see runExample for the conventions: usage and
// errors to stderr, ExitUsage for a bad command line), and add one entry
// here. "flowy help" lists the entries in name order.
var commands = map[string]command{
	"example": {summary: "list or run the example workflows", run: runExample},
	"trace":   {summary: "draw a run from its history: graph and timeline (.dot, .svg, .html)", run: runTrace},
	"bench":   {summary: "run the benchmarks (a, b, c) and print their figures", run: runBench},
	"server":  {summary: "serve the Amazon SWF API over a flowy engine", run: runServer},
	"start":   {summary: "start a workflow execution on Amazon SWF or flowy server", run: runStart},
}

// Main runs the flowy command line with args (without the program name),
// writing to stdout and stderr, and returns the process exit code: 0 on
// success, 1 when the command failed, 2 for a bad command line (including
// "flowy help", which prints the usage to stderr). ctx cancels a running
// command.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			if _, ok := commands[rest[0]]; ok {
				// Every command prints its usage on -h.
				return commands[rest[0]].run(ctx, []string{"-h"}, stdout, stderr)
			}
			fmt.Fprintf(stderr, "flowy help: unknown command %q\n\n", rest[0])
		}
		usage(stderr)
		return ExitUsage
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "flowy: unknown command %q\n\n", name)
		usage(stderr)
		return ExitUsage
	}
	return cmd.run(ctx, rest, stdout, stderr)
}

// usage prints the top-level usage.
func usage(w io.Writer) {
	fmt.Fprintln(w, "flowy runs flowy workflows.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "\tflowy <command> [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The commands are:")
	fmt.Fprintln(w)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(w, "\t%-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Use "flowy help <command>" for more information about a command.`)
}

// newFlagSet returns a FlagSet for a subcommand that reports errors (and its
// usage) to stderr rather than exiting; usageLine and description head the
// usage text.
func newFlagSet(name, usageLine, description string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("flowy "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s\n\n%s\n\nFlags:\n", usageLine, strings.TrimSpace(description))
		fs.PrintDefaults()
	}
	return fs
}

// parseInterspersed parses args with fs, allowing flags after positional
// arguments ("flowy example NAME -json"), and returns the positional
// arguments. A "--" ends the flags: every argument after it is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// fs stopped at a positional argument, or just after a "--".
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
