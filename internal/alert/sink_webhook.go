package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/trailsql/trailsql/internal/detect"
)

// Header names of the generic webhook.
const (
	// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the
	// body, keyed with the shared secret.
	SignatureHeader = "X-Trailsql-Signature"
	// DeliveryHeader carries the finding's dedup key: the same for every
	// try of one finding, so that a receiver can drop repeats.
	DeliveryHeader = "X-Trailsql-Delivery"
)

// Webhook POSTs each finding as a JSON body (the Finding's fields) to a
// URL, signed with HMAC-SHA256. A 2xx answer is the acknowledgement; a
// 4xx other than 408 and 429 is a permanent refusal.
type Webhook struct {
	url    string
	secret []byte
	client *http.Client
}

// NewWebhook returns a webhook sink. client nil means a client with a
// 30-second timeout; redirects are not followed (a POST would become a
// GET), they are refusals.
func NewWebhook(url, secret string, client *http.Client) *Webhook {
	return &Webhook{url: url, secret: []byte(secret), client: noRedirects(client)}
}

// Name implements Sink.
func (w *Webhook) Name() string { return sinkID("webhook", w.url) }

// Sign returns the value of SignatureHeader for body.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Send implements Sink.
func (w *Webhook) Send(ctx context.Context, f *detect.Finding) error {
	body, err := json.Marshal(f)
	if err != nil {
		return Permanent(fmt.Errorf("cannot encode finding %s: %w", f.Key, err))
	}
	return post(ctx, w.client, "webhook", w.url, body, map[string]string{
		SignatureHeader: Sign(w.secret, body),
		DeliveryHeader:  f.Key,
	})
}

// post sends body and classifies the answer.
func post(ctx context.Context, client *http.Client, kind, url string, body []byte, headers map[string]string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("cannot make the %s request: %w", kind, err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "trailsql")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("cannot post to the %s: %w", kind, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	return httpStatusError(kind, resp.StatusCode, msg)
}

// noRedirects returns a copy of client (or a default one) that returns
// redirects as answers.
func noRedirects(client *http.Client) *http.Client {
	c := &http.Client{Timeout: defaultHTTPTimeout}
	if client != nil {
		*c = *client
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}
