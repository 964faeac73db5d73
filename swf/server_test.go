package swf_test

// End to end against flowy server: the conformance suite through the swf
// engine, built as users build it (swf.Open: the AWS configuration chain,
// overridden by an endpoint, a region and credentials), against package
// swfserver serving memory engines on 127.0.0.1, every request signed with
// SigV4.

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/flowy-go/flowy/conformance"
	"github.com/flowy-go/flowy/engine"
	"github.com/flowy-go/flowy/swf"
	"github.com/flowy-go/flowy/swfserver"
)

func TestServerConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("the suite over HTTP takes some seconds")
	}
	t.Parallel() // beside the moto run, which mostly waits
	const keyID, secret = "AKIDFLOWYSWF", "flowy-swf-secret"
	domains := swfserver.NewMemoryDomains()
	srv := swfserver.New(domains, swfserver.Options{Keys: map[string]string{keyID: secret}, PollTimeout: 20 * time.Second})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.Close()
		_ = domains.Close()
	})
	var n atomic.Int64
	conformance.Run(t, func(t *testing.T) engine.Engine {
		ctx := context.Background()
		eng, err := swf.Open(ctx, fmt.Sprintf("flowy-%d", n.Add(1)), swf.Options{
			Endpoint: hs.URL, Region: "eu-west-1",
			Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, ""),
			PageSize:    25, // decision tasks of several pages
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := eng.RegisterDomain(ctx, 1, t.Name()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { eng.Close() })
		return eng
	}, conformance.Options{
		Scale:       5, // SWF's timeouts are whole seconds: 150 ms would be 1 s
		CaseTimeout: 50 * time.Second,
	})
}
