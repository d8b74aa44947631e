package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/attrib"
	"github.com/trailsql/trailsql/internal/query"
)

// WhoisOptions are the settings of `trailsql whois`.
type WhoisOptions struct {
	Who  string
	Lake string
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
whois says where the chain breaks and why.`,
		Example: `  trailsql whois ASIAJPVUZRZAQ2EXAMPL
  trailsql whois arn:aws:sts::111122223333:assumed-role/deploy/terraform
  trailsql whois AKIA5GHOSTADMINKEY7Q`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Who = args[0]
			if runF != nil {
				return runF(c.Context(), f, opts)
			}
			return runWhois(c.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Lake, "lake", "", "lake folder (default $TRAILSQL_LAKE or ./trailsql-lake)")
	return cmd
}

func runWhois(ctx context.Context, f *Factory, opts *WhoisOptions) error {
	eng, err := query.Open(ctx, lakeDir(f, opts.Lake), query.Options{Now: f.Now, Conns: 1})
	if err != nil {
		return err
	}
	defer eng.Close()
	a, err := attrib.Whois(ctx, eng, opts.Who)
	if err != nil {
		return err
	}
	return attrib.Write(f.IO.Out, a)
}
