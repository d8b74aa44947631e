package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/attrib"
	"github.com/trailsql/trailsql/internal/query"
)

// WhoisOptions are the settings of `trailsql whois`.
type WhoisOptions struct {
	Who    string
	Lake   string
	Format string
	S3     S3Flags
}

func newWhoisCmd(f *Factory, runF func(context.Context, *Factory, *WhoisOptions) error) *cobra.Command {
	opts := &WhoisOptions{}
	cmd := &cobra.Command{
		Use:   "whois KEY|ARN|SESSION",
		Short: "Follow credentials back to the principal who really holds them",
		Long: `Attribute an access key id (AKIA..., ASIA...), an assumed-role or
federated-user ARN, an IAM user ARN or a role session name: follow temporary
credentials back through the AssumeRole, AssumeRoleWithSAML,
AssumeRoleWithWebIdentity, GetSessionToken and GetFederationToken calls that
issued them, through role chains and across accounts, to the originating
principal (an IAM user or root, an AWS service such as an EC2 instance role,
a SAML or IAM Identity Center user, a web identity).

Each hop shows when the credentials were issued, in which account, from
which address and to whom. When the lake does not hold the issuing event,
whois says where the chain breaks and why.

--format text (the default) prints each chain; table, csv, json and jsonl
print one row per hop, with the chain's origin, notes and break.`,
		Example: `  trailsql whois ASIAJPVUZRZAQ2EXAMPL --format json
  trailsql whois arn:aws:sts::111122223333:assumed-role/deploy/terraform
  trailsql whois AKIA5GHOSTADMINKEY7Q`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Who = args[0]
			if err := checkTextFormat(opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), f, opts)
			}
			return runWhois(c.Context(), f, opts)
		},
	}
	addLakeFlags(cmd.Flags(), &opts.Lake, &opts.S3)
	addTextFormatFlag(cmd.Flags(), &opts.Format)
	return cmd
}

func runWhois(ctx context.Context, f *Factory, opts *WhoisOptions) error {
	a, err := openApp(ctx, f, opts.Lake, &opts.S3, lakeOptions{})
	if err != nil {
		return err
	}
	defer a.Close()
	ans, err := a.Whois(ctx, opts.Who)
	if err != nil {
		return err
	}
	return writeTextOr(f, opts.Format, func(w io.Writer) error { return attrib.Write(w, ans) }, func() *query.Result { return app.WhoisResult(ans) })
}
