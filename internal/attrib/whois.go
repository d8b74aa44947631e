package attrib

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/query"
)

// Querier runs one query with bound ? parameters; *query.Engine is one.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (*query.Result, error)
}

// MaxHops bounds a chain, against loops in corrupt data.
const MaxHops = 20

// maxChains is how many sessions a session name or ARN is traced for.
const maxChains = 5

// Hop is one step of a chain: the key Key, used by Principal, was issued
// by the event Event at Time to Caller.
type Hop struct {
	Key       string
	Principal string
	Event     string // sts:AssumeRole, ...
	Time      time.Time
	Account   string // the account that recorded the issuing event
	Region    string
	SourceIP  string
	// Caller is who made the issuing call: an ARN, a service, or a
	// federated subject; CallerType its userIdentity type; CallerKey the
	// key it called with.
	Caller, CallerType, CallerKey string
	// SourceIdentity is the sourceIdentity of the call or its caller.
	SourceIdentity string
	// CrossAccount says the caller was in another account than the role.
	CrossAccount bool
}

// Chain is the attribution of one set of credentials.
type Chain struct {
	// Start is the key or principal the chain starts from.
	Start string
	// Hops go from Start towards the origin.
	Hops []Hop
	// Origin is the originating principal (empty when the chain breaks),
	// OriginKind what it is: IAM user, root, AWS service, SAML user, IAM
	// Identity Center user, web identity.
	Origin, OriginKind string
	// Notes add what else the lake says (who created a key, when it was
	// first used).
	Notes []string
	// Break says where and why the chain stops short of an origin.
	Break string
}

// Answer is what Whois finds: one chain per session traced.
type Answer struct {
	Query  string
	Chains []Chain
	// First and Last are the times of the lake's first and last events.
	First, Last time.Time
}

var (
	accessKeyRE    = regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{12,124}$`)
	assumedRoleRE  = regexp.MustCompile(`^arn:aws[a-z-]*:sts::(\d{12}):assumed-role/([^/]+)/(.+)$`)
	federatedARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:sts::(\d{12}):federated-user/(.+)$`)
	userARNRE      = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):(user/.+|root)$`)
)

const issuers = `('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetSessionToken', 'GetFederationToken')`

// Whois attributes who (a key, an ARN or a session name).
func Whois(ctx context.Context, q Querier, who string) (*Answer, error) {
	who = strings.TrimSpace(who)
	if who == "" {
		return nil, errors.New("attrib: nothing to look up")
	}
	a := &Answer{Query: who}
	res, err := q.Query(ctx, `SELECT min(eventtimestamp), max(eventtimestamp) FROM cloudtrail`)
	if err != nil {
		return nil, fmt.Errorf("cannot read the lake's time range: %w", err)
	}
	if len(res.Rows) == 1 {
		a.First, _ = res.Rows[0][0].(time.Time)
		a.Last, _ = res.Rows[0][1].(time.Time)
	}
	t := &tracer{q: q, a: a}
	switch {
	case accessKeyRE.MatchString(who):
		c, err := t.traceKey(ctx, who, who)
		if err != nil {
			return nil, err
		}
		a.Chains = append(a.Chains, c)
	case userARNRE.MatchString(who):
		m := userARNRE.FindStringSubmatch(who)
		kind := "IAM user"
		if m[2] == "root" {
			kind = "root user"
		}
		c := Chain{Start: who, Origin: who, OriginKind: kind}
		if err := t.userNotes(ctx, &c, who); err != nil {
			return nil, err
		}
		a.Chains = append(a.Chains, c)
	default:
		keys, err := t.sessionKeys(ctx, who)
		if err != nil {
			return nil, err
		}
		if len(keys) == 0 {
			a.Chains = append(a.Chains, Chain{Start: who, Break: fmt.Sprintf(
				"no credentials were issued to %q and no event was made with it in the lake: it is not an access key id, a known session ARN or a role session name here", who)})
		}
		for _, k := range keys {
			c, err := t.traceKey(ctx, who, k)
			if err != nil {
				return nil, err
			}
			a.Chains = append(a.Chains, c)
		}
	}
	return a, nil
}

type tracer struct {
	q Querier
	a *Answer
}

// sessionKeys returns the keys (newest first) issued to, or used by, the
// session ARN or session name s.
func (t *tracer) sessionKeys(ctx context.Context, s string) ([]string, error) {
	var keys []string
	seen := map[string]bool{}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`SELECT json_extract_scalar(responseelements, '$.credentials.accessKeyId') AS k, max(eventtimestamp) AS last_at
FROM cloudtrail
WHERE eventsource = 'sts.amazonaws.com' AND eventname IN ` + issuers + `
  AND (json_extract_scalar(responseelements, '$.assumedRoleUser.arn') = ?
       OR json_extract_scalar(responseelements, '$.federatedUser.arn') = ?
       OR json_extract_scalar(requestparameters, '$.roleSessionName') = ?
       OR (eventname = 'GetFederationToken' AND json_extract_scalar(requestparameters, '$.name') = ?))
GROUP BY 1
ORDER BY last_at DESC, k
LIMIT ?`, []any{s, s, s, s, int64(maxChains)}},
		{`SELECT useridentity.accesskeyid AS k, max(eventtimestamp) AS last_at
FROM cloudtrail
WHERE useridentity.accesskeyid LIKE 'ASIA%'
  AND (useridentity.arn = ? OR (useridentity.type IN ('AssumedRole', 'FederatedUser') AND useridentity.arn LIKE '%/' || CAST(? AS VARCHAR)))
GROUP BY 1
ORDER BY last_at DESC, k
LIMIT ?`, []any{s, s, int64(maxChains)}},
	} {
		res, err := t.q.Query(ctx, q.sql, q.args...)
		if err != nil {
			return nil, fmt.Errorf("cannot find the sessions of %s: %w", s, err)
		}
		for _, r := range res.Rows {
			if k, ok := r[0].(string); ok && !seen[k] && len(keys) < maxChains {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	return keys, nil
}

// issueSQL finds the event that issued a key. Of the two copies of a
// cross-account call, the one recorded in the role's account comes first.
const issueSQL = `
SELECT eventtimestamp, 'sts:' || eventname, recipientaccountid, awsregion, coalesce(sourceipaddress, ''),
       coalesce(useridentity.type, ''),
       coalesce(useridentity.arn, CASE WHEN useridentity.type IN ('SAMLUser', 'WebIdentityUser') THEN useridentity.username END,
                useridentity.invokedby, useridentity.username, useridentity.principalid, ''),
       coalesce(useridentity.accesskeyid, ''),
       coalesce(json_extract_scalar(responseelements, '$.assumedRoleUser.arn'), json_extract_scalar(responseelements, '$.federatedUser.arn'), useridentity.arn, ''),
       coalesce(json_extract_scalar(responseelements, '$.sourceIdentity'), json_extract_scalar(requestparameters, '$.sourceIdentity'),
                useridentity.sessioncontext.sourceidentity, ''),
       coalesce(useridentity.accountid, ''),
       coalesce(json_extract_scalar(requestparameters, '$.roleArn'), ''),
       coalesce(json_extract_scalar(responseelements, '$.issuer'), json_extract_scalar(responseelements, '$.provider'),
                useridentity.identityprovider, '')
FROM cloudtrail
WHERE eventsource = 'sts.amazonaws.com' AND eventname IN ` + issuers + `
  AND json_extract_scalar(responseelements, '$.credentials.accessKeyId') = ?
ORDER BY eventtimestamp, (recipientaccountid = split_part(json_extract_scalar(requestparameters, '$.roleArn'), ':', 5)) DESC, eventid
LIMIT 1`

// traceKey follows key back to its origin.
func (t *tracer) traceKey(ctx context.Context, start, key string) (Chain, error) {
	c := Chain{Start: start}
	seen := map[string]bool{}
	for len(c.Hops) < MaxHops {
		if seen[key] {
			c.Break = fmt.Sprintf("the chain loops back to %s", key)
			return c, nil
		}
		seen[key] = true
		if strings.HasPrefix(key, "AKIA") {
			return c, t.longTermKey(ctx, &c, key)
		}
		res, err := t.q.Query(ctx, issueSQL, key)
		if err != nil {
			return c, fmt.Errorf("cannot find the event that issued %s: %w", key, err)
		}
		if len(res.Rows) == 0 {
			return c, t.noIssuer(ctx, &c, key)
		}
		r := res.Rows[0]
		s := func(i int) string { v, _ := r[i].(string); return v }
		h := Hop{Key: key, Event: s(1), Account: s(2), Region: s(3), SourceIP: s(4),
			CallerType: s(5), Caller: s(6), CallerKey: s(7), Principal: s(8), SourceIdentity: s(9)}
		h.Time, _ = r[0].(time.Time)
		callerAcct, roleARN, provider := s(10), s(11), s(12)
		if p := strings.Split(roleARN, ":"); len(p) > 4 && callerAcct != "" && p[4] != callerAcct &&
			h.CallerType != "AWSService" && h.CallerType != "SAMLUser" && h.CallerType != "WebIdentityUser" {
			h.CrossAccount = true
		}
		c.Hops = append(c.Hops, h)
		switch h.CallerType {
		case "AssumedRole", "FederatedUser":
			if !strings.HasPrefix(h.CallerKey, "ASIA") {
				c.Break = fmt.Sprintf("the %s session %s called %s without a recorded access key, so it cannot be followed further", h.CallerType, h.Caller, h.Event)
				return c, nil
			}
			key = h.CallerKey
			continue
		case "IAMUser":
			c.Origin, c.OriginKind = h.Caller, "IAM user"
			if strings.HasPrefix(h.CallerKey, "ASIA") {
				c.Notes = append(c.Notes, fmt.Sprintf("%s called with temporary key %s (a console or session-token session of the user)", h.Caller, h.CallerKey))
			}
		case "Root":
			c.Origin, c.OriginKind = h.Caller, "root user"
		case "AWSService":
			c.Origin, c.OriginKind = h.Caller, "AWS service"
			if h.Caller == "ec2.amazonaws.com" {
				c.OriginKind = "AWS service (EC2 instance role)"
				if name := sessionName(h.Principal); name != "" {
					c.Notes = append(c.Notes, fmt.Sprintf("the session name %s is the EC2 instance the role credentials were delivered to", name))
				}
			}
		case "SAMLUser":
			c.Origin, c.OriginKind = h.Caller, "SAML user"
			if strings.Contains(provider, "portal.sso.") || strings.Contains(h.Principal, "AWSReservedSSO_") {
				c.OriginKind = "IAM Identity Center user"
			}
			if provider != "" {
				c.Notes = append(c.Notes, "identity provider: "+provider)
			}
		case "WebIdentityUser":
			c.Origin, c.OriginKind = h.Caller, "web identity"
			if provider != "" {
				c.Notes = append(c.Notes, "identity provider: "+provider)
			}
		default:
			c.Break = fmt.Sprintf("%s was issued by %s to a %q principal (%s), which cannot be followed", key, h.Event, h.CallerType, h.Caller)
		}
		if h.SourceIdentity != "" {
			c.Notes = append(c.Notes, "source identity: "+h.SourceIdentity)
		}
		return c, nil
	}
	c.Break = fmt.Sprintf("the chain is longer than %d hops", MaxHops)
	return c, nil
}

func sessionName(arn string) string {
	if m := assumedRoleRE.FindStringSubmatch(arn); m != nil {
		return m[3]
	}
	return ""
}

// useSQL describes the first use of a key.
const useSQL = `
SELECT eventtimestamp, coalesce(useridentity.type, ''), coalesce(useridentity.arn, useridentity.username, ''),
       coalesce(useridentity.sessioncontext.sourceidentity, ''), coalesce(useridentity.sessioncontext.ec2roledelivery, ''),
       coalesce(useridentity.accountid, ''), count(*) OVER () AS uses
FROM cloudtrail
WHERE useridentity.accesskeyid = ?
ORDER BY eventtimestamp, eventid
LIMIT 1`

// noIssuer ends a chain at a temporary key that no event in the lake
// issued.
func (t *tracer) noIssuer(ctx context.Context, c *Chain, key string) error {
	res, err := t.q.Query(ctx, useSQL, key)
	if err != nil {
		return fmt.Errorf("cannot find the uses of %s: %w", key, err)
	}
	if len(res.Rows) == 0 {
		if len(c.Hops) == 0 {
			c.Break = fmt.Sprintf("%s is not in the lake: no event issued it or was made with it", key)
		} else {
			c.Break = fmt.Sprintf("no event in the lake issued %s or was made with it", key)
		}
		return nil
	}
	r := res.Rows[0]
	s := func(i int) string { v, _ := r[i].(string); return v }
	first, _ := r[0].(time.Time)
	typ, arn, srcID, ec2 := s(1), s(2), s(3), s(4)
	uses, _ := r[6].(int64)
	note := fmt.Sprintf("%s is first used at %s by %s (%s)", key, stamp(first), arn, events(uses))
	switch {
	case typ == "IAMUser" || typ == "Root":
		c.Origin, c.OriginKind = arn, "IAM user"
		if typ == "Root" {
			c.OriginKind = "root user"
		}
		c.Notes = append(c.Notes, note, "no STS call issued it: temporary credentials of a console sign-in (or a session-token call outside the lake) belong to the signed-in user")
		return nil
	case strings.Contains(arn, ":assumed-role/AWSReservedSSO_"):
		c.Origin, c.OriginKind = sessionName(arn), "IAM Identity Center user"
		c.Notes = append(c.Notes, note, "an IAM Identity Center permission-set role: its credentials come from the access portal (sso:GetRoleCredentials does not record the key), and the session name is the Identity Center user")
		return nil
	case ec2 != "":
		c.Origin, c.OriginKind = arn, "AWS service (EC2 instance role)"
		c.Notes = append(c.Notes, note, "delivered by the EC2 instance metadata service ("+ec2+"): the instance's role, not a person")
		return nil
	}
	if srcID != "" {
		c.Notes = append(c.Notes, "the session carries source identity "+srcID+": the identity that first assumed a role in this chain")
	}
	c.Notes = append(c.Notes, note)
	why := "the issuing call is not in the lake"
	if !t.a.First.IsZero() && first.Sub(t.a.First) < time.Hour {
		why = fmt.Sprintf("the lake begins at %s, within an hour of its first use: it was most likely issued before the lake's time range", stamp(t.a.First))
	} else {
		why += " (it may have been recorded in an account or region the lake does not hold, or by a trail that was not logging)"
	}
	c.Break = fmt.Sprintf("chain breaks at %s: no AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity, GetSessionToken or GetFederationToken in the lake returned it; %s", key, why)
	return nil
}

// longTermKey ends a chain at an IAM user's access key.
func (t *tracer) longTermKey(ctx context.Context, c *Chain, key string) error {
	res, err := t.q.Query(ctx, useSQL, key)
	if err != nil {
		return fmt.Errorf("cannot find the uses of %s: %w", key, err)
	}
	if len(res.Rows) > 0 {
		r := res.Rows[0]
		typ, _ := r[1].(string)
		arn, _ := r[2].(string)
		first, _ := r[0].(time.Time)
		uses, _ := r[6].(int64)
		c.Origin, c.OriginKind = arn, "IAM user"
		if typ == "Root" {
			c.OriginKind = "root user"
		}
		c.Notes = append(c.Notes, fmt.Sprintf("%s is a long-term access key of %s, first used at %s (%s)", key, arn, stamp(first), events(uses)))
	}
	if err := t.keyCreation(ctx, c, key); err != nil {
		return err
	}
	if c.Origin == "" && len(c.Notes) == 0 {
		c.Break = fmt.Sprintf("%s is not in the lake: no event created it or was made with it", key)
	}
	return nil
}

// keyCreation notes who created key, and takes the key's user as the
// origin when the key was never used.
func (t *tracer) keyCreation(ctx context.Context, c *Chain, key string) error {
	res, err := t.q.Query(ctx, `
SELECT eventtimestamp, coalesce(useridentity.arn, ''), coalesce(json_extract_scalar(responseelements, '$.accessKey.userName'), ''),
       recipientaccountid, coalesce(sourceipaddress, '')
FROM cloudtrail
WHERE eventsource = 'iam.amazonaws.com' AND eventname = 'CreateAccessKey'
  AND json_extract_scalar(responseelements, '$.accessKey.accessKeyId') = ?
ORDER BY eventtimestamp LIMIT 1`, key)
	if err != nil {
		return fmt.Errorf("cannot find who created %s: %w", key, err)
	}
	if len(res.Rows) == 0 {
		return nil
	}
	r := res.Rows[0]
	at, _ := r[0].(time.Time)
	by, _ := r[1].(string)
	user, _ := r[2].(string)
	acct, _ := r[3].(string)
	ip, _ := r[4].(string)
	c.Notes = append(c.Notes, fmt.Sprintf("%s was created for user %s at %s by %s from %s", key, user, stamp(at), by, ip))
	if c.Origin == "" {
		c.Origin, c.OriginKind = "arn:aws:iam::"+acct+":user/"+user, "IAM user"
	}
	return nil
}

// userNotes adds what the lake says about an IAM user.
func (t *tracer) userNotes(ctx context.Context, c *Chain, arn string) error {
	res, err := t.q.Query(ctx, `
SELECT array_join(array_sort(array_agg(DISTINCT useridentity.accesskeyid)), ', '), count(*), min(eventtimestamp)
FROM cloudtrail WHERE useridentity.arn = ? AND useridentity.accesskeyid <> ''`, arn)
	if err != nil {
		return fmt.Errorf("cannot find the keys of %s: %w", arn, err)
	}
	if len(res.Rows) == 1 {
		if n, _ := res.Rows[0][1].(int64); n > 0 {
			keys, _ := res.Rows[0][0].(string)
			first, _ := res.Rows[0][2].(time.Time)
			c.Notes = append(c.Notes, fmt.Sprintf("%d events from %s with keys %s", n, stamp(first), keys))
		}
	}
	return nil
}

func events(n int64) string {
	if n == 1 {
		return "1 event"
	}
	return fmt.Sprintf("%d events", n)
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }
