package cli

import "github.com/spf13/cobra"

// commands lists trailsql's commands, one line each.
func commands(f *Factory) []*cobra.Command {
	return []*cobra.Command{
		newIngestCmd(f, nil),
	}
}
