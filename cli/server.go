package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/sqlite"
	"github.com/flowy-go/flowy/sqlite/swfdomains"
	"github.com/flowy-go/flowy/swfserver"
	"github.com/flowy-go/flowy/webui"
)

const serverUsage = "flowy server [-engine memory|sqlite] [-db FILE] [-addr HOST:PORT] [-keys FILE] [-insecure-no-auth]"

const serverHelp = `
Server serves the Amazon SWF API (its JSON protocol, signed with AWS
Signature Version 4) over a flowy engine, one engine per SWF domain, so that
the AWS SDKs, the AWS CLI and flowy workers on other machines can use it as
they use SWF:

	aws swf list-domains --registration-status REGISTERED \
		--endpoint-url http://127.0.0.1:8085 --region us-east-1

It prints "flowy server listening on http://ADDR" once it accepts requests,
and stops on SIGINT or SIGTERM: long polls return at once, requests in flight
finish.

Requests must be signed with one of the server's access keys, given as lines
"ACCESS_KEY_ID SECRET" in -keys FILE ('#' starts a comment line) and/or as
FLOWY_ACCESS_KEYS="ID:SECRET,ID2:SECRET2" in the environment. Clients use them
as AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); any region
works. Without keys the server refuses to start, unless -insecure-no-auth
says to accept every request, signed or not.

The memory engine (the default) keeps everything in the process: it is all
gone when the server stops. -engine sqlite -db FILE keeps the domains, their
types and executions, and the key that signs task tokens in one SQLite file:
a restarted server carries on where it stopped (see docs/sqlite.md).

The read-only web UI is at /ui/ on the same port; sign in with an access
key id and its secret.`

// serverEngines maps the names -engine accepts to what opens them: the
// domains to serve (from the -db file, for durable engines) and how to close
// them. Wiring another engine is one entry here. (A durable engine should
// also keep a swfserver.Options.TokenKey with its data, so that task tokens
// survive a restart; see openServer.)
var serverEngines = map[string]func(db string) (swfserver.Domains, func() error, error){
	"memory": func(db string) (swfserver.Domains, func() error, error) {
		if db != "" {
			return nil, nil, fmt.Errorf("-db is for durable engines: the memory engine keeps nothing")
		}
		d := swfserver.NewMemoryDomains()
		return d, d.Close, nil
	},
	"sqlite": func(db string) (swfserver.Domains, func() error, error) {
		if db == "" {
			return nil, nil, errors.New("-engine sqlite needs -db FILE (created if missing)")
		}
		d, err := swfdomains.Open(db, sqlite.Options{})
		if err != nil {
			return nil, nil, err
		}
		return d, d.Close, nil
	},
}

// shutdownTimeout bounds the graceful shutdown.
const shutdownTimeout = 30 * time.Second

// runServer is the "server" subcommand.
func runServer(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("server", serverUsage, serverHelp, stderr)
	engineName := fs.String("engine", "memory", "the engine: `NAME` is memory or sqlite")
	db := fs.String("db", "", "the database `FILE` of a durable engine")
	addr := fs.String("addr", "127.0.0.1:8085", "listen on `HOST:PORT` (port 0: any free port)")
	keysFile := fs.String("keys", "", "read access keys from `FILE`: lines \"ACCESS_KEY_ID SECRET\"")
	insecure := fs.Bool("insecure-no-auth", false, "accept requests without checking signatures (INSECURE: anyone who reaches the port controls every workflow)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return ExitUsage // fs reported it, with the usage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "flowy server: "+format+"\n", a...)
		return ExitUsage
	}
	if len(pos) > 0 {
		return fail("no arguments expected (got %q)", strings.Join(pos, " "))
	}
	open, ok := serverEngines[*engineName]
	if !ok {
		names := make([]string, 0, len(serverEngines))
		for n := range serverEngines {
			names = append(names, n)
		}
		slices.Sort(names)
		return fail("unknown engine %q; the engines are: %s", *engineName, strings.Join(names, ", "))
	}
	keys, err := loadKeys(*keysFile, os.Getenv("FLOWY_ACCESS_KEYS"), stderr)
	if err != nil {
		return fail("%v", err)
	}
	if len(keys) == 0 && !*insecure {
		return fail("no access keys: give -keys FILE (lines \"ACCESS_KEY_ID SECRET\") or FLOWY_ACCESS_KEYS=\"ID:SECRET,...\"; " +
			"or, to accept unsigned requests from anyone, -insecure-no-auth")
	}
	domains, closeDomains, err := open(*db)
	if err != nil {
		return fail("-engine %s: %v", *engineName, err)
	}
	defer func() {
		if err := closeDomains(); err != nil {
			fmt.Fprintf(stderr, "flowy server: closing the engine: %v\n", err)
		}
	}()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "flowy server: %v\n", err)
		return ExitFail
	}
	if *insecure {
		fmt.Fprintf(stderr, "flowy server: WARNING: -insecure-no-auth: requests are NOT authenticated; anyone who can connect to %s can start, read, alter and terminate every workflow.\n", ln.Addr())
		if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
			fmt.Fprintf(stderr, "flowy server: WARNING: and %s is not a loopback address: other machines can connect.\n", tcp.IP)
		}
	}

	var tokenKey []byte // a durable engine keeps it, so tokens outlive a restart
	if k, ok := domains.(interface{ TokenKey() []byte }); ok {
		tokenKey = k.TokenKey()
	}
	srv := swfserver.New(domains, swfserver.Options{
		TokenKey:       tokenKey,
		Keys:           keys,
		InsecureNoAuth: *insecure,
		Logger:         slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
	})
	mux := http.NewServeMux()
	mux.Handle("/ui/", webui.New(uiSource{domains}, webui.Options{Credentials: keys}))
	mux.Handle("/", srv)
	hs := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// No write timeout: long polls answer after up to 60 s.
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Fprintf(stdout, "flowy server listening on http://%s\n", ln.Addr())
	fmt.Fprintf(stderr, "flowy server: web UI on http://%s/ui/ (sign in with an access key id and its secret)\n", ln.Addr())

	select {
	case err := <-served:
		fmt.Fprintf(stderr, "flowy server: %v\n", err)
		return ExitFail
	case <-ctx.Done():
	}
	fmt.Fprintln(stderr, "flowy server: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	// The listener closes at once; long polls return; requests in flight
	// finish.
	var wg sync.WaitGroup
	var httpErr error
	wg.Go(func() { httpErr = hs.Shutdown(sctx) })
	srvErr := srv.Shutdown(sctx)
	wg.Wait()
	if err := errors.Join(srvErr, httpErr); err != nil {
		fmt.Fprintf(stderr, "flowy server: shutting down: %v\n", err)
		return ExitFail
	}
	fmt.Fprintln(stderr, "flowy server: stopped")
	return ExitOK
}

// loadKeys reads access keys from a file (lines "ID SECRET", blank lines and
// '#' comments ignored) and from env ("ID:SECRET,ID2:SECRET2"). An id given
// twice with different secrets is an error. It warns on stderr when the file
// can be read by others.
func loadKeys(file, env string, stderr io.Writer) (map[string]string, error) {
	keys := map[string]string{}
	add := func(where, id, secret string) error {
		if id == "" || secret == "" {
			return fmt.Errorf("%s: an access key needs an id and a secret", where)
		}
		if old, ok := keys[id]; ok && old != secret {
			return fmt.Errorf("%s: access key %s is given twice, with different secrets", where, id)
		}
		keys[id] = secret
		return nil
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("-keys: %v", err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
			fmt.Fprintf(stderr, "flowy server: warning: %s holds secrets but others may read it (mode %v): chmod 600 it\n", file, fi.Mode().Perm())
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			fields := strings.Fields(line)
			if len(fields) != 2 {
				return nil, fmt.Errorf("%s:%d: want \"ACCESS_KEY_ID SECRET\", got %d fields", file, n, len(fields))
			}
			if err := add(fmt.Sprintf("%s:%d", file, n), fields[0], fields[1]); err != nil {
				return nil, err
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("-keys: %v", err)
		}
	}
	for i, pair := range strings.Split(env, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		id, secret, ok := strings.Cut(pair, ":")
		if !ok {
			return nil, fmt.Errorf("FLOWY_ACCESS_KEYS: entry %d: want ID:SECRET", i+1)
		}
		if err := add(fmt.Sprintf("FLOWY_ACCESS_KEYS entry %d", i+1), id, secret); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// uiSource shows the server's domains in the web UI.
type uiSource struct{ d swfserver.Domains }

func (s uiSource) DomainNames(ctx context.Context) ([]string, error) {
	ds, err := s.d.ListDomains(ctx, "")
	if err != nil {
		return nil, err
	}
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = d.Name
	}
	return names, nil
}

func (s uiSource) Engine(_ context.Context, domain string) (engine.Engine, error) {
	return s.d.Engine(domain)
}
