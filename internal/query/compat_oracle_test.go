package query

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// jget returns the scalar at path (keys and indexes) in the JSON text js,
// as json_extract_scalar would: strings unquoted, numbers and booleans as
// written; ok is false for a missing key, null, an object or an array.
func jget(js string, path ...any) (string, bool) {
	if js == "" {
		return "", false
	}
	d := json.NewDecoder(strings.NewReader(js))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return "", false
	}
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return "", false
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return "", false
			}
			v = a[k]
		}
	}
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return fmt.Sprint(x), true
	}
	return "", false
}

// jlist returns the array at path in js.
func jlist(js string, path ...any) ([]any, bool) {
	var v any
	if json.Unmarshal([]byte(js), &v) != nil {
		return nil, false
	}
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil, false
			}
			v = a[k]
		}
	}
	a, ok := v.([]any)
	return a, ok
}

func jnull(js string, path ...any) string {
	if s, ok := jget(js, path...); ok {
		return s
	}
	return null
}

func in(s string, set ...string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

func rowsOf(evs []*fxEvent, f func(e *fxEvent) []string) [][]string {
	out := [][]string{}
	for _, e := range evs {
		out = append(out, f(e))
	}
	return out
}

func byTime(evs []*fxEvent) []*fxEvent {
	out := append([]*fxEvent(nil), evs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out
}

// compatOracles computes, for each query of the compatibility suite, its
// answer from the fixture's events in plain Go.
func compatOracles() map[string]func(evs []*fxEvent) [][]string {
	m := map[string]func(evs []*fxEvent) [][]string{
		"01_docs_recent_calls": func(evs []*fxEvent) [][]string {
			rows := rowsOf(evs, func(e *fxEvent) []string { return []string{orNull(e.User.ARN), e.Name, orNull(e.IP), e.eventTime()} })
			return limit(sortRows(rows, -4), 10)
		},
		"02_docs_session_issuer": func(evs []*fxEvent) [][]string {
			rows := rowsOf(where(evs, func(e *fxEvent) bool { return e.User.IssuerARN != "" }), func(e *fxEvent) []string {
				return []string{e.Source, e.Name, e.User.Created, e.User.IssuerARN}
			})
			return limit(sortRows(rows, 0, 1), 10)
		},
		"03_docs_tls1_by_service": func(evs []*fxEvent) [][]string {
			return groupCount(where(evs, func(e *fxEvent) bool { return e.TLS == "TLSv1" && e.eventTime() > "2019-09-01T00:00:00Z" }),
				func(e *fxEvent) []string { return []string{e.Source} })
		},
		"04_docs_tls_by_caller": func(evs []*fxEvent) [][]string {
			rows := groupCount(where(evs, func(e *fxEvent) bool { return e.TLS != "" && e.User.ARN != "" }),
				func(e *fxEvent) []string { return []string{e.User.ARN, e.TLS} })
			return limit(sortRows(rows, -3, 0, 1), 5)
		},
		"05_docs_s3_objects_unnest":  s3ObjectResources,
		"56_trino_unnest_row_fields": s3ObjectResources,
		"06_docs_insights": func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool { return e.Type == "AwsCloudTrailInsight" }), func(e *fxEvent) []string {
				return []string{e.eventTime(), e.Source, e.Name, e.Type}
			})
		},
		"07_blog_security_group_changes": func(evs []*fxEvent) [][]string {
			return rowsOf(byTime(where(evs, func(e *fxEvent) bool {
				return (strings.Contains(e.Req, sgOpen) || strings.Contains(e.Req, "sg-0123456789abcdef0")) && e.eventTime() > "2019-09-01T00:00:00Z"
			})), func(e *fxEvent) []string {
				return []string{e.Name, orNull(e.User.UserName), e.IP, e.eventTime(), e.Req}
			})
		},
		"08_blog_console_signins_one_day": func(evs []*fxEvent) [][]string {
			return rowsOf(byTime(where(evs, func(e *fxEvent) bool {
				return e.Name == "ConsoleLogin" && e.eventTime() >= "2019-09-29T00:00:00Z" && e.eventTime() < "2019-09-30T00:00:00Z"
			})), func(e *fxEvent) []string {
				return []string{orNull(e.User.UserName), e.IP, e.eventTime(), orNull(e.Extra)}
			})
		},
		"09_blog_failed_signins": func(evs []*fxEvent) [][]string {
			return rowsOf(byTime(where(evs, func(e *fxEvent) bool { return e.Name == "ConsoleLogin" && e.ErrorMessage == "Failed authentication" })),
				func(e *fxEvent) []string {
					return []string{orNull(e.User.UserName), e.IP, e.eventTime(), e.ErrorMessage}
				})
		},
		"10_blog_top_ec2_calls": func(evs []*fxEvent) [][]string {
			return groupCount(where(evs, func(e *fxEvent) bool { return e.Source == "ec2.amazonaws.com" }), func(e *fxEvent) []string { return []string{e.Source, e.Name} })
		},
		"11_blog_user_ips": func(evs []*fxEvent) [][]string {
			return sortRows(groupCount(where(evs, func(e *fxEvent) bool { return e.User.UserName == "bob" }), func(e *fxEvent) []string { return []string{e.IP} }), -2, 0)
		},
		"12_kc_who_deleted_bucket": func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool { return e.Source == "s3.amazonaws.com" && e.Name == "DeleteBucket" }),
				func(e *fxEvent) []string { return []string{e.eventTime(), e.User.ARN, jnull(e.Req, "bucketName")} })
		},
		"13_kc_terminate_attempts": func(evs []*fxEvent) [][]string {
			return rowsOf(byTime(where(evs, func(e *fxEvent) bool { return e.Name == "TerminateInstances" })),
				func(e *fxEvent) []string { return []string{e.eventTime(), orNull(e.User.ARN), orNull(e.ErrorCode)} })
		},
		"14_kc_created_iam_users": func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool { return e.Source == "iam.amazonaws.com" && e.Name == "CreateUser" }),
				func(e *fxEvent) []string {
					return []string{e.eventTime(), orNull(e.User.UserName), jnull(e.Req, "userName")}
				})
		},
		"15_kc_denied_per_hour": func(evs []*fxEvent) [][]string {
			rows := groupCount(where(evs, func(e *fxEvent) bool {
				return in(e.ErrorCode, "AccessDenied", "Client.UnauthorizedOperation", "UnauthorizedOperation")
			}), func(e *fxEvent) []string { return []string{orNull(e.User.ARN), tsText(e.Time.Truncate(time.Hour))} })
			return sortRows(rows, -3, 1, 0)
		},
		"16_kc_root_activity": func(evs []*fxEvent) [][]string {
			return rowsOf(byTime(where(evs, func(e *fxEvent) bool {
				return e.User.Type == "Root" && e.User.InvokedBy == "" && e.Type != "AwsServiceEvent"
			})), func(e *fxEvent) []string { return []string{e.eventTime(), e.Name, e.IP, e.Agent} })
		},
		"17_kc_access_key_activity": func(evs []*fxEvent) [][]string {
			return rowsOf(byTime(where(evs, func(e *fxEvent) bool { return e.User.AccessKeyID == "AKIABOB0000000000002" })),
				func(e *fxEvent) []string { return []string{e.eventTime(), e.Name, e.IP} })
		},
		"18_kc_projection_style_dates": func(evs []*fxEvent) [][]string {
			rows := groupCount(where(evs, func(e *fxEvent) bool {
				d := e.Time.Format("2006/01/02")
				return d >= "2019/09/30" && d <= "2019/10/01"
			}), func(e *fxEvent) []string { return []string{e.Account} })
			return sortRows(rows, 0)
		},
		"19_ir_defense_evasion": func(evs []*fxEvent) [][]string {
			return rowsOf(byTime(where(evs, func(e *fxEvent) bool {
				return in(e.Name, "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "DeleteDetector", "DeleteFlowLogs", "DisableSecurityHub")
			})), func(e *fxEvent) []string { return []string{e.eventTime(), e.Source, e.Name, orNull(e.User.ARN), e.IP} })
		},
		"20_ir_admin_policy_attached": func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool {
				p, _ := jget(e.Req, "policyArn")
				return in(e.Name, "AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy") && strings.HasSuffix(p, "AdministratorAccess")
			}), func(e *fxEvent) []string {
				return []string{e.eventTime(), e.User.ARN, jnull(e.Req, "userName"), jnull(e.Req, "policyArn")}
			})
		},
		"21_ir_keys_for_other_users": func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool {
				u, ok := jget(e.Req, "userName")
				return e.Name == "CreateAccessKey" && ok && e.User.UserName != "" && u != e.User.UserName
			}), func(e *fxEvent) []string { return []string{e.eventTime(), e.User.UserName, jnull(e.Req, "userName")} })
		},
		"22_ir_world_open_ingress": func(evs []*fxEvent) [][]string {
			return rowsOf(byTime(where(evs, func(e *fxEvent) bool {
				return e.Name == "AuthorizeSecurityGroupIngress" && strings.Contains(e.Req, "0.0.0.0/0")
			})), func(e *fxEvent) []string {
				return []string{e.eventTime(), e.User.ARN, jnull(e.Req, "groupId"), jnull(e.Req, "ipPermissions", "items", 0, "fromPort")}
			})
		},
		"23_ir_console_without_mfa": func(evs []*fxEvent) [][]string {
			return rowsOf(byTime(where(evs, func(e *fxEvent) bool {
				m, _ := jget(e.Extra, "MFAUsed")
				r, _ := jget(e.Resp, "ConsoleLogin")
				return e.Name == "ConsoleLogin" && m == "No" && r == "Success"
			})), func(e *fxEvent) []string { return []string{e.User.UserName, e.IP, e.eventTime()} })
		},
		"24_ir_failed_logins_by_ip": func(evs []*fxEvent) [][]string {
			var out [][]string
			for _, r := range groupCount(where(evs, func(e *fxEvent) bool {
				r, _ := jget(e.Resp, "ConsoleLogin")
				return e.Name == "ConsoleLogin" && r == "Failure"
			}), func(e *fxEvent) []string { return []string{e.IP} }) {
				if atoi(r[1]) >= 3 {
					out = append(out, r)
				}
			}
			return out
		},
		"25_ir_recon_from_ip": func(evs []*fxEvent) [][]string {
			re := regexp.MustCompile(`^(List|Describe|Get)`)
			sel := where(evs, func(e *fxEvent) bool { return re.MatchString(e.Name) && e.IP == "1.2.3.4" })
			var rows [][]string
			for _, g := range groupCount(sel, func(e *fxEvent) []string { return []string{orNull(e.User.ARN)} }) {
				names := map[string]bool{}
				for _, e := range sel {
					if orNull(e.User.ARN) == g[0] {
						names[e.Name] = true
					}
				}
				rows = append(rows, []string{g[0], g[1], itoa(len(names))})
			}
			return sortRows(rows, -2)
		},
		"26_ir_ip_summary": func(evs []*fxEvent) [][]string {
			sel := where(evs, func(e *fxEvent) bool { return e.IP != "" && !strings.HasSuffix(e.IP, ".amazonaws.com") })
			var rows [][]string
			for _, g := range groupCount(sel, func(e *fxEvent) []string { return []string{e.IP} }) {
				first, last := "9999", ""
				arns := map[string]bool{}
				for _, e := range sel {
					if e.IP != g[0] {
						continue
					}
					first = min(first, e.eventTime())
					last = max(last, e.eventTime())
					if e.User.ARN != "" {
						arns[e.User.ARN] = true
					}
				}
				rows = append(rows, []string{g[0], first, last, g[1], itoa(len(arns))})
			}
			return sortRows(rows, -4, 0)
		},
		"27_ir_secrets_read": func(evs []*fxEvent) [][]string {
			return rowsOf(byTime(where(evs, func(e *fxEvent) bool { return e.Source == "secretsmanager.amazonaws.com" && e.Name == "GetSecretValue" })),
				func(e *fxEvent) []string {
					return []string{e.eventTime(), e.User.ARN, jnull(e.Req, "secretId"), e.Region}
				})
		},
		"28_ir_crypto_mining": func(evs []*fxEvent) [][]string {
			return rowsOf(byTime(where(evs, func(e *fxEvent) bool { return e.Name == "RunInstances" && e.Type == "AwsApiCall" })),
				func(e *fxEvent) []string {
					return []string{e.eventTime(), jnull(e.Req, "instanceType"), jnull(e.Req, "instancesSet", "items", 0, "maxCount"), orNull(e.ErrorCode)}
				})
		},
		"29_ir_launched_instances": func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool { return e.Name == "RunInstances" && e.ErrorCode == "" && e.Resp != "" }),
				func(e *fxEvent) []string {
					items, _ := jlist(e.Resp, "instancesSet", "items")
					return []string{e.eventTime(), itoa(len(items)), jnull(e.Resp, "instancesSet", "items", 1, "instanceId")}
				})
		},
		"30_ir_public_bucket_policy": func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool {
				p, _ := jget(e.Req, "bucketPolicy", "Statement", 0, "Principal")
				return in(e.Name, "PutBucketPolicy", "PutBucketAcl", "DeletePublicAccessBlock") && p == "*"
			}), func(e *fxEvent) []string { return []string{e.eventTime(), e.User.ARN, jnull(e.Req, "bucketName")} })
		},
		"31_ir_last_7_days": func(evs []*fxEvent) [][]string {
			return sortRows(groupCount(where(evs, func(e *fxEvent) bool {
				return e.Time.After(fixtureNow.Add(-7*24*time.Hour)) && e.User.UserName == "mallory"
			}), func(e *fxEvent) []string { return []string{e.Name} }), -2, 0)
		},
		"32_ir_window_around_event": func(evs []*fxEvent) [][]string {
			t0 := time.Date(2019, 9, 30, 10, 15, 0, 0, time.UTC)
			n := len(where(evs, func(e *fxEvent) bool {
				return !e.Time.Before(t0.Add(-2*time.Hour)) && !e.Time.After(t0.Add(2*time.Hour)) && e.Account == acctDev
			}))
			return [][]string{{itoa(n)}}
		},
		"33_ir_login_to_first_change": func(evs []*fxEvent) [][]string {
			login := where(evs, func(e *fxEvent) bool { return e.Name == "ConsoleLogin" && e.User.UserName == "alice" })
			create := where(evs, func(e *fxEvent) bool { return e.Name == "CreateUser" })
			return [][]string{{itoa(int(byTime(create)[0].Time.Sub(byTime(login)[0].Time) / time.Minute))}}
		},
		"34_ir_events_per_day": func(evs []*fxEvent) [][]string {
			var rows [][]string
			for _, g := range groupCount(evs, func(e *fxEvent) []string { return []string{e.Time.Format(time.DateOnly)} }) {
				errs := len(where(evs, func(e *fxEvent) bool { return e.Time.Format(time.DateOnly) == g[0] && e.ErrorCode != "" }))
				rows = append(rows, []string{g[0], g[1], itoa(errs)})
			}
			return sortRows(rows, 0)
		},
		"35_ir_user_agent_tools": func(evs []*fxEvent) [][]string {
			re := regexp.MustCompile(`^([A-Za-z-]+)/`)
			return sortRows(groupCount(where(evs, func(e *fxEvent) bool { return e.User.Type == "IAMUser" }), func(e *fxEvent) []string {
				if m := re.FindStringSubmatch(e.Agent); m != nil {
					return []string{m[1]}
				}
				return []string{null}
			}), -2, 0)
		},
		"36_ir_role_sessions": func(evs []*fxEvent) [][]string {
			return groupCount(where(evs, func(e *fxEvent) bool { return e.User.Type == "AssumedRole" }), func(e *fxEvent) []string {
				parts := strings.Split(e.User.ARN, "/")
				s := null
				if len(parts) >= 3 {
					s = parts[2]
				}
				return []string{orNull(e.User.IssuerName), s}
			})
		},
		"37_ir_principal_names": func(evs []*fxEvent) [][]string {
			seen := map[string]bool{}
			var rows [][]string
			for _, e := range where(evs, func(e *fxEvent) bool { return e.User.ARN != "" }) {
				parts := strings.Split(e.User.ARN, "/")
				r := []string{parts[len(parts)-1], e.User.Type}
				if k := strings.Join(r, "|"); !seen[k] {
					seen[k] = true
					rows = append(rows, r)
				}
			}
			return sortRows(rows, 0, 1)
		},
		"38_ir_resources_per_call": func(evs []*fxEvent) [][]string {
			var rows [][]string
			sel := where(evs, func(e *fxEvent) bool { return len(e.Resources) > 1 })
			for _, g := range groupCount(sel, func(e *fxEvent) []string { return []string{e.Name} }) {
				n, typ := 0, ""
				for _, e := range sel {
					if e.Name == g[0] {
						n = max(n, len(e.Resources))
						typ = e.Resources[0].Type
					}
				}
				rows = append(rows, []string{g[0], itoa(n), typ})
			}
			return sortRows(rows, 0)
		},
		"39_ir_apis_per_user": func(evs []*fxEvent) [][]string {
			var rows [][]string
			for _, u := range []string{"alice", "mallory"} {
				names := map[string]bool{}
				for _, e := range where(evs, func(e *fxEvent) bool { return e.User.UserName == u }) {
					names[e.Name] = true
				}
				var list []string
				for n := range names {
					list = append(list, n)
				}
				sort.Strings(list)
				rows = append(rows, []string{u, strings.Join(list, ", ")})
			}
			return rows
		},
		"40_ir_ip_owner": func(evs []*fxEvent) [][]string {
			sel := where(evs, func(e *fxEvent) bool { return e.IP == "203.0.113.50" })
			return [][]string{{"203.0.113.50", sel[0].User.ARN, itoa(len(sel))}}
		},
		"41_ir_unix_time": func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool { return e.Name == "StopLogging" }), func(e *fxEvent) []string {
				return []string{e.ID, fmt.Sprint(e.Time.Unix()), tsText(e.Time)}
			})
		},
		"42_ir_policy_actions": func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, func(e *fxEvent) bool {
				acts, _ := jlist(e.Req, "bucketPolicy", "Statement", 0, "Action")
				has := false
				for _, a := range acts {
					has = has || a == "s3:GetObject"
				}
				return e.Name == "PutBucketPolicy" && has
			}), func(e *fxEvent) []string { return []string{e.eventTime(), jnull(e.Req, "bucketName")} })
		},
		"43_ir_try_cast": func(evs []*fxEvent) [][]string {
			return rowsOf(byTime(where(evs, func(e *fxEvent) bool { return e.Name == "RunInstances" && e.Req != "" })), func(e *fxEvent) []string {
				n, _ := jget(e.Req, "instancesSet", "items", 0, "maxCount")
				return []string{e.eventTime(), itoa(2 * atoi(n)), null}
			})
		},
		"44_ir_first_action_per_user": func(evs []*fxEvent) [][]string {
			first := map[string]*fxEvent{}
			for _, e := range byTime(evs) {
				if e.User.Type == "IAMUser" && e.User.ARN != "" && first[e.User.ARN] == nil {
					first[e.User.ARN] = e
				}
			}
			var rows [][]string
			for arn, e := range first {
				rows = append(rows, []string{arn, e.Name, e.eventTime()})
			}
			return sortRows(rows, 2)
		},
		"45_show_partitions": func(evs []*fxEvent) [][]string {
			seen := map[string]bool{}
			var rows [][]string
			for _, e := range where(evs, func(e *fxEvent) bool { return e.Account == acctDev }) {
				p := fmt.Sprintf("account=%s/region=%s/year=%s/month=%s/day=%s", e.Account, e.Region, e.year(), e.month(), e.day())
				if !seen[p] {
					seen[p] = true
					rows = append(rows, []string{p})
				}
			}
			return sortRows(rows, 0)
		},
		"46_show_columns": func([]*fxEvent) [][]string {
			var rows [][]string
			for _, c := range lakeSchema() {
				rows = append(rows, []string{c.name})
			}
			for _, p := range partitionColumns {
				rows = append(rows, []string{p})
			}
			return rows
		},
		"47_path_pseudo_column": func(evs []*fxEvent) [][]string {
			return sortRows(groupCount(where(evs, func(e *fxEvent) bool { return e.Name == "ConsoleLogin" }),
				func(e *fxEvent) []string { return []string{filepath.Base(e.Object)} }), 0)
		},
		"48_logs_unnest_by_source": func(evs []*fxEvent) [][]string {
			return sortRows(groupCount(evs, func(e *fxEvent) []string { return []string{e.Source} }), -2, 0)
		},
		"49_logs_records_per_file": func(evs []*fxEvent) [][]string {
			perFile := groupCount(evs, func(e *fxEvent) []string { return []string{e.Object} })
			rows := groupCount(nil, nil)
			counts := map[string]int{}
			for _, f := range perFile {
				counts[f[1]]++
			}
			for n, files := range counts {
				rows = append(rows, []string{n, itoa(files)})
			}
			return limit(sortRows(rows, -1), 3)
		},
		"50_interval_hours": func(evs []*fxEvent) [][]string {
			t1 := time.Date(2019, 9, 30, 0, 0, 0, 0, time.UTC)
			n := len(where(evs, func(e *fxEvent) bool { return !e.Time.Before(t1.Add(-3*time.Hour)) && e.Time.Before(t1) }))
			return [][]string{{itoa(n)}}
		},
		"51_date_parse_format": func([]*fxEvent) [][]string {
			return [][]string{{"2019-09-30T10:15:00Z"}}
		},
		"52_contains_in_group": func(evs []*fxEvent) [][]string {
			sel := where(evs, func(e *fxEvent) bool { return e.Source == "ec2.amazonaws.com" && e.User.UserName != "" })
			var rows [][]string
			for _, g := range groupCount(sel, func(e *fxEvent) []string { return []string{e.Name} }) {
				by := false
				for _, e := range sel {
					by = by || e.Name == g[0] && e.User.UserName == "mallory"
				}
				rows = append(rows, []string{g[0], fmt.Sprint(by)})
			}
			return sortRows(rows, 0)
		},
		"53_destructive_calls": func(evs []*fxEvent) [][]string {
			re := regexp.MustCompile(`^(Delete|Stop|Remove|Revoke)`)
			var rows [][]string
			for _, g := range groupCount(where(evs, func(e *fxEvent) bool { return re.MatchString(e.Name) }), func(e *fxEvent) []string { return []string{e.Name} }) {
				rows = append(rows, g[:1])
			}
			return sortRows(rows, 0)
		},
		"54_json_bracket_path": func(evs []*fxEvent) [][]string {
			return groupCount(where(evs, func(e *fxEvent) bool {
				_, ok := jget(e.Req, "userName")
				return e.Source == "iam.amazonaws.com" && ok
			}), func(e *fxEvent) []string { return []string{jnull(e.Req, "userName")} })
		},
		"55_catalog_qualified": func(evs []*fxEvent) [][]string {
			return [][]string{{itoa(len(where(evs, func(e *fxEvent) bool { return e.Account == acctProd && e.Region == "eu-west-1" })))}}
		},
	}
	for name, f := range publicOracles() {
		m[name] = f
	}
	for name, f := range bootstrapOracles() {
		m[name] = f
	}
	return m
}

// s3ObjectResources is the name, ARN and type of each S3 object that S3
// events name in their resources, by time (compat cases 05 and 56).
func s3ObjectResources(evs []*fxEvent) [][]string {
	var rows [][]string
	for _, e := range byTime(evs) {
		for _, r := range e.Resources {
			if e.Source == "s3.amazonaws.com" && r.Type == "AWS::S3::Object" {
				rows = append(rows, []string{e.Name, r.ARN, r.Type})
			}
		}
	}
	return rows
}

// The window that the playbook queries' START_TIME and END_TIME stand for.
const winStart, winEnd = "2019-09-28T00:00:00Z", "2019-10-02T00:00:00Z"

func inWindow(e *fxEvent) bool { return e.eventTime() >= winStart && e.eventTime() <= winEnd }

// pick returns f of the events that pred keeps, by time.
func pick(evs []*fxEvent, pred func(e *fxEvent) bool, f func(e *fxEvent) []string) [][]string {
	return rowsOf(byTime(where(evs, pred)), f)
}

// firstLast groups events by key and returns rows key..., count, first
// and last eventtime.
func firstLast(evs []*fxEvent, key func(e *fxEvent) []string) [][]string {
	var rows [][]string
	for _, g := range groupCount(evs, key) {
		k := strings.Join(g[:len(g)-1], "\x00")
		first, last := "9999", ""
		for _, e := range evs {
			if strings.Join(key(e), "\x00") == k {
				first, last = min(first, e.eventTime()), max(last, e.eventTime())
			}
		}
		rows = append(rows, append(g, first, last))
	}
	return rows
}

// publicOracles computes the answers of the compatibility cases taken from
// public query collections (testdata/compat/SOURCES.md), 57 on.
func publicOracles() map[string]func(evs []*fxEvent) [][]string {
	const aliceARN, malloryARN = "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::444455556666:user/mallory"
	key := func(k string) func(e *fxEvent) bool {
		return func(e *fxEvent) bool { return e.User.AccessKeyID == k && inWindow(e) }
	}
	and := func(a, b func(e *fxEvent) bool) func(e *fxEvent) bool {
		return func(e *fxEvent) bool { return a(e) && b(e) }
	}
	named := func(names ...string) func(e *fxEvent) bool {
		return func(e *fxEvent) bool { return in(e.Name, names...) }
	}
	source := func(srcs ...string) func(e *fxEvent) bool {
		return func(e *fxEvent) bool { return in(e.Source, srcs...) }
	}
	window := func(e *fxEvent) bool { return inWindow(e) }
	publicBucket := func(e *fxEvent) bool { return strings.Contains(e.Req, bucketPub) }
	byARN := func(arn string) func(e *fxEvent) bool { return func(e *fxEvent) bool { return e.User.ARN == arn } }
	return map[string]func(evs []*fxEvent) [][]string{
		"57_pb_cc_key_activity": func(evs []*fxEvent) [][]string {
			return pick(evs, key(bob.AccessKeyID), func(e *fxEvent) []string {
				return []string{e.eventTime(), e.Name, e.Region, orNull(e.IP), e.Agent, orNull(e.Req), orNull(e.Resp), orNull(e.ErrorCode)}
			})
		},
		"58_pb_cc_key_ips_agents": func(evs []*fxEvent) [][]string {
			return sortRows(firstLast(where(evs, key(bob.AccessKeyID)), func(e *fxEvent) []string { return []string{e.IP, e.Agent} }), 3)
		},
		"59_pb_cc_persistence": func(evs []*fxEvent) [][]string {
			return pick(evs, and(key(alice.AccessKeyID), named("CreateUser", "CreateRole", "CreateAccessKey", "CreateLoginProfile", "AttachUserPolicy", "AttachRolePolicy",
				"PutUserPolicy", "PutRolePolicy", "UpdateAssumeRolePolicy", "CreateFunction", "UpdateFunctionCode", "AddPermission", "CreateEventSourceMapping",
				"PutBucketPolicy", "CreateTrail", "StopLogging", "DeleteTrail")), func(e *fxEvent) []string {
				return []string{e.eventTime(), e.Name, e.IP, orNull(e.Req), orNull(e.Resp)}
			})
		},
		"60_pb_cc_data_access": func(evs []*fxEvent) [][]string {
			return pick(evs, and(and(key(alice.AccessKeyID), source("s3.amazonaws.com", "dynamodb.amazonaws.com", "secretsmanager.amazonaws.com", "ssm.amazonaws.com")),
				named("GetObject", "GetItem", "BatchGetItem", "GetSecretValue", "GetParameter", "GetParameters")), func(e *fxEvent) []string {
				return []string{e.eventTime(), e.Name, e.Source, orNull(e.Req), e.IP}
			})
		},
		"61_pb_cc_assume_role": func(evs []*fxEvent) [][]string {
			return pick(evs, and(key(bob.AccessKeyID), named("AssumeRole")), func(e *fxEvent) []string {
				return []string{e.eventTime(), e.Name, orNull(e.Req), orNull(e.Resp), e.IP, e.Account}
			})
		},
		"62_pb_cc_errors": func(evs []*fxEvent) [][]string {
			return pick(evs, and(key(bob.AccessKeyID), func(e *fxEvent) bool { return e.ErrorCode != "" }), func(e *fxEvent) []string {
				return []string{e.eventTime(), e.Name, e.ErrorCode, orNull(e.ErrorMessage), e.IP}
			})
		},
		"63_pb_da_bucket_access": func(evs []*fxEvent) [][]string {
			return pick(evs, and(and(source("s3.amazonaws.com"), publicBucket), and(window, named("GetObject", "HeadObject", "ListObjects", "ListObjectsV2", "SelectObjectContent", "CopyObject"))),
				func(e *fxEvent) []string {
					return []string{e.eventTime(), e.Name, e.IP, orNull(e.User.ARN), e.Agent, orNull(e.Req), orNull(e.Resp), orNull(e.ErrorCode)}
				})
		},
		"64_pb_da_bulk_reads_per_hour": func(evs []*fxEvent) [][]string {
			var rows [][]string
			for _, g := range groupCount(where(evs, and(and(source("s3.amazonaws.com"), named("GetObject")), and(publicBucket, window))), func(e *fxEvent) []string {
				return []string{tsText(e.Time.Truncate(time.Hour)), orNull(e.User.ARN)}
			}) {
				if atoi(g[2]) > 2 {
					rows = append(rows, g)
				}
			}
			return sortRows(rows, 0)
		},
		"65_pb_da_dynamodb": func(evs []*fxEvent) [][]string {
			return pick(evs, and(and(source("dynamodb.amazonaws.com"), named("Scan", "Query", "BatchGetItem", "GetItem")),
				and(window, func(e *fxEvent) bool { return strings.Contains(e.Req, "customers") })), func(e *fxEvent) []string {
				return []string{e.eventTime(), e.Name, e.IP, orNull(e.User.ARN), orNull(e.Req)}
			})
		},
		"66_pb_da_secrets": func(evs []*fxEvent) [][]string {
			return pick(evs, and(and(source("secretsmanager.amazonaws.com", "ssm.amazonaws.com"), named("GetSecretValue", "GetParameter", "GetParameters", "GetParametersByPath")), window),
				func(e *fxEvent) []string {
					return []string{e.eventTime(), e.Name, e.IP, orNull(e.User.ARN), orNull(e.Req)}
				})
		},
		"67_pb_da_readers_summary": func(evs []*fxEvent) [][]string {
			return sortRows(firstLast(where(evs, and(and(source("s3.amazonaws.com"), named("GetObject")), and(publicBucket, window))),
				func(e *fxEvent) []string { return []string{orNull(e.User.ARN), e.IP} }), -3)
		},
		"68_pb_da_objects_read": func(evs []*fxEvent) [][]string {
			return pick(evs, and(and(source("s3.amazonaws.com"), named("GetObject")), and(and(publicBucket, window), byARN(aliceARN))), func(e *fxEvent) []string {
				return []string{e.eventTime(), jnull(e.Req, "key"), e.IP, e.User.ARN}
			})
		},
		"69_pb_da_acl_changes": func(evs []*fxEvent) [][]string {
			return pick(evs, and(and(source("s3.amazonaws.com"), window), named("PutBucketPolicy", "DeleteBucketPolicy", "PutBucketAcl", "PutObjectAcl", "PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock")),
				func(e *fxEvent) []string {
					return []string{e.eventTime(), e.Name, orNull(e.User.ARN), e.IP, orNull(e.Req)}
				})
		},
		"70_pb_da_other_buckets": func(evs []*fxEvent) [][]string {
			seen := map[string]bool{}
			var rows [][]string
			for _, e := range where(evs, and(and(byARN(aliceARN), source("s3.amazonaws.com")), and(named("GetObject"), window))) {
				if b := jnull(e.Req, "bucketName"); !seen[b] {
					seen[b] = true
					rows = append(rows, []string{b})
				}
			}
			return rows
		},
		"71_pb_da_copies": func(evs []*fxEvent) [][]string {
			return pick(evs, and(and(byARN(aliceARN), window), named("CopyObject", "PutObject", "CreateSnapshot", "CopySnapshot", "ShareSnapshot")),
				func(e *fxEvent) []string { return []string{e.eventTime(), e.Name, orNull(e.Req)} })
		},
		"72_pb_rw_kms_by_suspect": func(evs []*fxEvent) [][]string {
			return pick(evs, and(and(func(e *fxEvent) bool { return strings.Contains(e.User.ARN, "mallory") }, source("kms.amazonaws.com")),
				and(window, named("CreateKey", "CreateGrant", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy"))),
				func(e *fxEvent) []string {
					return []string{e.eventTime(), e.Name, e.User.ARN, e.Region, orNull(e.Req), orNull(e.Resp), e.IP}
				})
		},
		"73_pb_rw_bulk_deletion": func(evs []*fxEvent) [][]string {
			return pick(evs, and(window, named("DeleteObject", "DeleteObjects", "DeleteSnapshot", "DeleteDBSnapshot", "DeleteDBClusterSnapshot", "DeleteRecoveryPoint", "DeleteBackupVault", "PutBucketVersioning", "DeleteBucketPolicy")),
				func(e *fxEvent) []string {
					return []string{e.eventTime(), e.Source, e.Name, orNull(e.User.ARN), orNull(e.Req), e.IP, e.Region}
				})
		},
		"74_pb_rw_snapshots": func(evs []*fxEvent) [][]string {
			return pick(evs, and(and(source("ec2.amazonaws.com"), window), named("DeleteSnapshot", "ModifySnapshotAttribute", "CopySnapshot", "CreateSnapshot", "CreateSnapshots")),
				func(e *fxEvent) []string {
					return []string{e.eventTime(), e.Name, orNull(e.User.ARN), e.Region, orNull(e.Req), orNull(e.Resp), orNull(e.ErrorCode)}
				})
		},
		"75_pb_rw_versioning_lock": func(evs []*fxEvent) [][]string {
			return pick(evs, and(and(source("s3.amazonaws.com"), window), named("PutBucketVersioning", "PutObjectLockConfiguration", "PutBucketLifecycleConfiguration", "DeleteBucketPolicy", "PutBucketPolicy")),
				func(e *fxEvent) []string {
					return []string{e.eventTime(), e.Name, orNull(e.User.ARN), orNull(e.Req), e.IP}
				})
		},
		"76_pb_rw_all_kms": func(evs []*fxEvent) [][]string {
			return pick(evs, and(source("kms.amazonaws.com"), window), func(e *fxEvent) []string {
				return []string{e.eventTime(), e.Name, orNull(e.User.ARN), e.Region, orNull(e.Req), orNull(e.Resp), e.IP, orNull(e.ErrorCode)}
			})
		},
		"77_pb_rw_versioning": func(evs []*fxEvent) [][]string {
			return pick(evs, and(and(source("s3.amazonaws.com"), window), named("PutBucketVersioning")), func(e *fxEvent) []string {
				return []string{e.eventTime(), orNull(e.User.ARN), orNull(e.Req), e.IP}
			})
		},
		"78_pb_rw_snapshot_sharing": func(evs []*fxEvent) [][]string {
			return pick(evs, and(window, named("ModifySnapshotAttribute", "ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute")), func(e *fxEvent) []string {
				return []string{e.eventTime(), e.Name, orNull(e.User.ARN), orNull(e.Req), orNull(e.Resp)}
			})
		},
		"79_pb_template_principal_like": func(evs []*fxEvent) [][]string {
			return pick(evs, func(e *fxEvent) bool {
				return strings.Contains(e.User.ARN, "mallory") && e.eventTime() >= "2019-09-29T00:00:00Z" && e.eventTime() <= "2019-09-30T00:00:00Z"
			}, func(e *fxEvent) []string { return []string{e.eventTime(), e.Name, e.IP, e.Agent, orNull(e.ErrorCode)} })
		},
		"80_pb_template_principal_exact": func(evs []*fxEvent) [][]string {
			return pick(evs, and(byARN(malloryARN), window), func(e *fxEvent) []string {
				return []string{e.eventTime(), e.Name, e.Region, e.IP, e.Agent, orNull(e.ErrorCode), orNull(e.ErrorMessage)}
			})
		},
		"81_pb_agentcore_trail_tampering": func(evs []*fxEvent) [][]string {
			rows := pick(evs, and(and(source("cloudtrail.amazonaws.com"), window), named("StopLogging", "StartLogging", "UpdateTrail", "DeleteTrail", "PutEventSelectors", "PutInsightSelectors")),
				func(e *fxEvent) []string {
					return []string{e.eventTime(), e.Name, orNull(e.User.ARN), e.IP, orNull(e.Req)}
				})
			return sortRows(rows, -1)
		},
		"82_pb_gd_eks_calls_by_principal": func(evs []*fxEvent) [][]string {
			var rows [][]string
			for _, g := range groupCount(where(evs, func(e *fxEvent) bool { return e.User.PrincipalID == bob.PrincipalID }), func(e *fxEvent) []string {
				return []string{e.Name, e.Source, e.Region, orNull(e.ErrorMessage)}
			}) {
				rows = append(rows, []string{g[0], g[4], g[1], g[2], g[3]})
			}
			return sortRows(rows, -2)
		},
		"83_pb_gd_eks_user_after_date": func(evs []*fxEvent) [][]string {
			return pick(evs, func(e *fxEvent) bool {
				return strings.Contains(e.User.UserName, "mallory") && e.eventTime() > "2017-06-01T00:00:00Z" && !strings.Contains(e.Name, "Describe") && !strings.Contains(e.Name, "List")
			}, func(e *fxEvent) []string {
				return []string{e.Name, e.User.UserName, e.IP, e.eventTime(), orNull(e.Req)}
			})
		},
		"84_pb_gd_eks_iam_user_or": func(evs []*fxEvent) [][]string {
			return pick(evs, func(e *fxEvent) bool {
				return strings.Contains(e.User.UserName, "mallory") && e.eventTime() > "2017-06-01T00:00:00Z" && (!strings.Contains(e.Name, "Describe") || !strings.Contains(e.Name, "List"))
			}, func(e *fxEvent) []string {
				return []string{e.Name, e.User.UserName, e.IP, e.eventTime(), orNull(e.Req)}
			})
		},
		"85_docs_unnest_resource_replace": func(evs []*fxEvent) [][]string {
			var rows [][]string
			for _, e := range byTime(evs) {
				for _, r := range e.Resources {
					if strings.HasSuffix(r.ARN, "data/export.csv") {
						rows = append(rows, []string{e.Region, strings.ReplaceAll(r.ARN, "arn:aws:s3:::", ""), e.Name, e.eventTime(), e.Agent})
					}
				}
			}
			return rows
		},
		"86_docs_deleted_bucket_unnest": func(evs []*fxEvent) [][]string {
			var rows [][]string
			for _, e := range byTime(where(evs, named("DeleteBucket"))) {
				for _, r := range e.Resources {
					rows = append(rows, []string{e.Region, strings.ReplaceAll(r.ARN, "arn:aws:s3:::", ""), e.eventTime(), orNull(e.User.UserName), orNull(r.AccountID)})
				}
			}
			return rows
		},
	}
}

// The partition columns of the security analytics bootstrap's table, as
// the lake derives them from an event's log file: its account, region and
// day (yyyy/MM/dd).
func accountPartition(e *fxEvent) string { return e.Account }
func regionPartition(e *fxEvent) string  { return e.Region }
func datePartition(e *fxEvent) string    { return e.Time.UTC().Format("2006/01/02") }

// principalID is useridentity.principalid: NULL when the record has no
// user identity or the identity has no principalId (AWS services), else
// the text, empty included.
func principalID(e *fxEvent) string {
	if e.User == (fxIdentity{}) || e.User.Type == "AWSService" {
		return null
	}
	return e.User.PrincipalID
}

// distinctSorted is array_agg(DISTINCT x ORDER BY x) of the values, as the
// engine shows an array of varchar: JSON text, NULL last.
func distinctSorted(vals []string) string {
	seen := map[string]bool{}
	var list []string
	hasNull := false
	for _, v := range vals {
		switch {
		case v == null:
			hasNull = true
		case !seen[v]:
			seen[v] = true
			list = append(list, v)
		}
	}
	sort.Strings(list)
	var b strings.Builder
	b.WriteString("[")
	for i, v := range list {
		if i > 0 {
			b.WriteString(",")
		}
		var q bytes.Buffer
		enc := json.NewEncoder(&q)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			panic(err)
		}
		b.Write(bytes.TrimSpace(q.Bytes()))
	}
	if hasNull {
		if len(list) > 0 {
			b.WriteString(",")
		}
		b.WriteString("null")
	}
	b.WriteString("]")
	return b.String()
}

// bootstrapOracles computes the answers of the cases from AWS's security
// analytics bootstrap (87-93) and the incident-response playbooks workshop
// (94-103), whose WHERE clauses name the bootstrap table's partition
// columns.
func bootstrapOracles() map[string]func(evs []*fxEvent) [][]string {
	// The bootstrap's default constraints, narrowed to the fixture.
	scope := func(e *fxEvent) bool {
		d := datePartition(e)
		return d >= "2019/09/01" && d <= "2019/10/31" && accountPartition(e) == acctProd &&
			in(regionPartition(e), "us-east-1", "us-east-2", "us-west-2", "us-west-2")
	}
	// The workshop's week, as date_partition >= '2019/09/24' AND
	// date_partition <= '2019/10/02'.
	week := func(e *fxEvent) bool {
		d := datePartition(e)
		return d >= "2019/09/24" && d <= "2019/10/02"
	}
	// Neither Get%, List% nor Describe% (LIKE is case-sensitive).
	notRead := func(e *fxEvent) bool {
		return !strings.HasPrefix(e.Name, "Get") && !strings.HasPrefix(e.Name, "List") && !strings.HasPrefix(e.Name, "Describe")
	}
	// ORDER BY account_partition, eventtime: one account, distinct times.
	byAcctTime := func(evs []*fxEvent) []*fxEvent {
		out := byTime(evs)
		sort.SliceStable(out, func(i, j int) bool { return accountPartition(out[i]) < accountPartition(out[j]) })
		return out
	}
	apiCalls := func(evs []*fxEvent, pred func(e *fxEvent) bool) [][]string {
		return sortRows(groupCount(where(evs, pred), func(e *fxEvent) []string {
			return []string{e.Region, e.Source, e.Name, orNull(e.ReadOnly), orNull(e.ErrorCode), orNull(e.ErrorMessage)}
		}), -7)
	}
	ipsAgents := func(evs []*fxEvent, pred func(e *fxEvent) bool) [][]string {
		return sortRows(groupCount(where(evs, pred), func(e *fxEvent) []string { return []string{orNull(e.IP), orNull(e.Agent)} }), -3)
	}
	changes := func(evs []*fxEvent, pred func(e *fxEvent) bool, names ...string) [][]string {
		return rowsOf(where(evs, func(e *fxEvent) bool { return pred(e) && in(e.Name, names...) }), func(e *fxEvent) []string {
			return []string{e.eventTime(), e.Region, e.Name, orNull(e.Req), orNull(e.Resp), orNull(e.ErrorCode), orNull(e.ErrorMessage)}
		})
	}
	aliceKey := func(e *fxEvent) bool { return e.User.AccessKeyID == alice.AccessKeyID && week(e) }
	aliceUser := func(e *fxEvent) bool { return e.User.UserName == "alice" && week(e) }
	malloryRuns := func(e *fxEvent) bool {
		return e.User.ARN == mallory.ARN && week(e) && e.Name == "RunInstances"
	}
	return map[string]func(evs []*fxEvent) [][]string{
		"87_bootstrap_events_by_region": func(evs []*fxEvent) [][]string {
			return sortRows(groupCount(where(evs, scope), func(e *fxEvent) []string { return []string{regionPartition(e)} }), -2)
		},
		"88_bootstrap_region_eventname": func(evs []*fxEvent) [][]string {
			return sortRows(groupCount(where(evs, scope), func(e *fxEvent) []string { return []string{regionPartition(e), e.Name} }), 0, -3)
		},
		"89_bootstrap_login_summary": func(evs []*fxEvent) [][]string {
			sel := where(evs, func(e *fxEvent) bool {
				return e.User.ARN != "" && (e.Name == "AssumeRole" || e.Name == "ConsoleLogin") && scope(e)
			})
			var rows [][]string
			for _, g := range groupCount(sel, func(e *fxEvent) []string { return []string{e.User.ARN, e.Name} }) {
				var ips []string
				for _, e := range sel {
					if e.User.ARN == g[0] && e.Name == g[1] {
						ips = append(ips, orNull(e.IP))
					}
				}
				rows = append(rows, []string{g[0], g[1], distinctSorted(ips)})
			}
			return sortRows(rows, 1)
		},
		"90_bootstrap_user_activity": func(evs []*fxEvent) [][]string {
			sel := where(evs, func(e *fxEvent) bool { return e.Name != "AssumeRole" && notRead(e) && scope(e) })
			key := func(e *fxEvent) []string {
				return []string{orNull(e.User.ARN), principalID(e), orNull(e.User.UserName)}
			}
			var rows [][]string
			for _, g := range groupCount(sel, key) {
				var names, ips, agents []string
				for _, e := range sel {
					if slices.Equal(key(e), g[:3]) {
						names, ips, agents = append(names, e.Name), append(ips, orNull(e.IP)), append(agents, orNull(e.Agent))
					}
				}
				rows = append(rows, []string{g[0], g[2], distinctSorted(names), distinctSorted(ips), distinctSorted(agents)})
			}
			return rows
		},
		"91_bootstrap_iam_changes": func(evs []*fxEvent) [][]string {
			return rowsOf(byAcctTime(where(evs, func(e *fxEvent) bool {
				return e.Source == "iam.amazonaws.com" && notRead(e) && e.ErrorCode == "" && scope(e)
			})), func(e *fxEvent) []string {
				return []string{e.eventTime(), orNull(e.User.ARN), orNull(e.User.UserName), e.Name, orNull(e.Req)}
			})
		},
		"92_bootstrap_access_key_creations": func(evs []*fxEvent) [][]string {
			return rowsOf(byAcctTime(where(evs, func(e *fxEvent) bool {
				return e.Name == "CreateAccessKey" && e.ErrorCode == "" && scope(e)
			})), func(e *fxEvent) []string {
				return []string{e.eventTime(), orNull(e.User.ARN), orNull(e.User.UserName), e.Name,
					jnull(e.Resp, "accessKey", "userName"), jnull(e.Resp, "accessKey", "accessKeyId")}
			})
		},
		"93_bootstrap_password_changes": func(evs []*fxEvent) [][]string {
			return rowsOf(byAcctTime(where(evs, func(e *fxEvent) bool {
				return in(e.Name, "UpdateLoginProfile", "CreateLoginProfile") && e.ErrorCode == "" && scope(e)
			})), func(e *fxEvent) []string {
				return []string{e.eventTime(), orNull(e.User.ARN), orNull(e.User.UserName), e.Name, jnull(e.Req, "userName")}
			})
		},
		"94_ws_key_api_calls":  func(evs []*fxEvent) [][]string { return apiCalls(evs, aliceKey) },
		"95_ws_key_ips_agents": func(evs []*fxEvent) [][]string { return ipsAgents(evs, aliceKey) },
		"96_ws_key_changes": func(evs []*fxEvent) [][]string {
			return changes(evs, aliceKey, "AttachUserPolicy", "CreateUser", "CreateAccessKey")
		},
		"97_ws_rogue_user_calls":      func(evs []*fxEvent) [][]string { return apiCalls(evs, aliceUser) },
		"98_ws_rogue_user_ips_agents": func(evs []*fxEvent) [][]string { return ipsAgents(evs, aliceUser) },
		"99_ws_rogue_user_changes": func(evs []*fxEvent) [][]string {
			return changes(evs, aliceUser, "CreateBucket", "PutObject")
		},
		"100_ws_rogue_user_probing": func(evs []*fxEvent) [][]string {
			var rows [][]string
			for _, r := range changes(evs, aliceUser, "ListRoles", "DescribeDestinations", "ListKeys", "ListFunctions20150331", "ListBuckets", "ListSecrets", "ListAliases", "DescribeInstances") {
				rows = append(rows, append(r[:2:2], r[3:]...)) // no eventname column
			}
			return rows
		},
		"101_ws_actor_access_keys": func(evs []*fxEvent) [][]string {
			seen := map[string]bool{}
			var rows [][]string
			for _, e := range where(evs, func(e *fxEvent) bool { return e.User.ARN == mallory.ARN && week(e) }) {
				if k := orNull(e.User.AccessKeyID); !seen[k] {
					seen[k] = true
					rows = append(rows, []string{k})
				}
			}
			return rows
		},
		"102_ws_actor_instance_ids": func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, malloryRuns), func(e *fxEvent) []string { return []string{jnull(e.Resp, "instancesSet", "items", 0, "instanceId")} })
		},
		"103_ws_actor_instance_ips": func(evs []*fxEvent) [][]string {
			return rowsOf(where(evs, malloryRuns), func(e *fxEvent) []string {
				return []string{jnull(e.Resp, "instancesSet", "items", 0, "privateIpAddress")}
			})
		},
	}
}
