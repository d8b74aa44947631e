package cli

import "github.com/spf13/cobra"

// commands lists trailsql's commands, one line each.
func commands(f *Factory) []*cobra.Command {
	return []*cobra.Command{
		newIngestCmd(f, nil),
		newSyncCmd(f, nil),
		newAthenaCmd(f, nil),
		newQueryCmd(f, nil),
		newTablesCmd(f, nil),
		newBenchCmd(f),
		newDemoCmd(f, nil),
		newCompactCmd(f, nil),
		newVerifyCmd(f),
		newGenCmd(f),
		newReportCmd(f, nil),
		newDetectCmd(f, nil),
		newWhoisCmd(f, nil),
		newTimelineCmd(f, nil),
		newGapsCmd(f),
		newTamperingCmd(f),
		newProtectCmd(f),
		newServeCmd(f, nil),
	}
}
