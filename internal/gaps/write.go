package gaps

import (
	"bufio"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"text/tabwriter"
	"time"
)

const stamp = "2006-01-02 15:04"

// WriteText prints the report as compact tables: the coverage of each
// account and region, the gaps, and the stopped intervals.
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if len(r.Series) == 0 {
		fmt.Fprintln(bw, "no events or log files in the range and filters given")
		return bw.Flush()
	}
	hours := int(r.End.Sub(r.Start) / time.Hour)
	fmt.Fprintf(bw, "delivery from %s to %s UTC (%d hours), %d account/region pairs\n\n", r.Start.Format(stamp), r.End.Format(stamp), hours, len(r.Series))
	gaps := map[string]int{}
	for _, g := range r.Gaps {
		gaps[g.Account+"/"+g.Region] += g.Hours
	}
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tREGION\tFIRST\tLAST\tACTIVE HOURS\tGAP HOURS\tEVIDENCE")
	for _, s := range r.Series {
		ev := "events and log files"
		if !s.FilesKnown {
			ev = "events only"
		}
		f, l := "-", "-"
		if s.Active > 0 {
			f, l = s.First.Format(stamp), s.Last.Format(stamp)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", s.Account, s.Region, f, l, s.Active, gaps[s.Account+"/"+s.Region], ev)
	}
	tw.Flush()
	fmt.Fprintf(bw, "\ngaps: %d\n", len(r.Gaps))
	if len(r.Gaps) > 0 {
		tw = tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ACCOUNT\tREGION\tFROM\tTO\tHOURS\tMISSING\tEVENTS\tFILES")
		for _, g := range r.Gaps {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%d\t%d\n", g.Account, g.Region, g.From.Format(stamp), g.To.Format(stamp), g.Hours, g.Kind, g.Events, g.Files)
		}
		tw.Flush()
	}
	fmt.Fprintf(bw, "\ntrail stopped or deleted: %d\n", len(r.Stops))
	if len(r.Stops) > 0 {
		tw = tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ACCOUNT\tREGION\tTRAIL\tEVENT\tSTOPPED\tBY\tSTARTED\tBY")
		for _, s := range r.Stops {
			started, by := "not restarted", "-"
			if !s.Started.IsZero() {
				started, by = s.Started.Format(time.RFC3339), s.StartedBy
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Account, s.Region, s.Trail, s.Event, s.Stopped.Format(time.RFC3339), s.StoppedBy, started, by)
		}
		tw.Flush()
	}
	return bw.Flush()
}

// WriteJSON writes the report as one JSON object (without the hourly
// counts, which the SVG shows).
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// MaxSVGHours is the longest range WriteSVG draws: 400 days.
const MaxSVGHours = 400 * 24

// SVG colours of the heat-map.
const (
	colorNone    = "#eeeeee" // no events, no files
	colorFiles   = "#9ecae1" // log files without events
	colorEvents  = "#fdd0a2" // events without log files
	colorGap     = "#d62728" // inside a gap
	colorStopped = "#000000"
)

// activeColors are the shades of delivered hours, by how many events they
// hold relative to the busiest hour of their series.
var activeColors = [...]string{"#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c"}

// WriteSVG draws the report as a heat-map: one row per account and region,
// one column per hour, green where events and log files arrived (darker for
// more events), red inside gaps, grey where nothing arrived, and a black
// mark where a trail was stopped. Runs of hours that look the same are one
// rect, with a class (active, gap, files, events, none), a data-hours
// attribute (how many hours) and a title. Ranges longer than MaxSVGHours
// are refused.
func (r *Report) WriteSVG(w io.Writer) error {
	n := int(r.End.Sub(r.Start) / time.Hour)
	if n > MaxSVGHours {
		return fmt.Errorf("cannot draw %d hours (at most %d): narrow the range", n, MaxSVGHours)
	}
	bw := bufio.NewWriter(w)
	cw := 6
	if n > 24*14 {
		cw = 2
	} else if n > 24*4 {
		cw = 4
	}
	if n > 24*120 {
		cw = 1
	}
	const ch, left, top, legend = 14, 240, 34, 40
	width := left + n*cw + 10
	height := top + len(r.Series)*ch + legend
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="monospace" font-size="11">`+"\n", width, height, width, height)
	fmt.Fprintf(bw, `<title>CloudTrail delivery by hour, %s to %s UTC</title>`+"\n", r.Start.Format(stamp), r.End.Format(stamp))
	fmt.Fprintf(bw, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	// Day lines, and a label every day (every week beyond a month).
	step := 1
	if n/24 > 31 {
		step = 7
	}
	day := 0
	for t := r.Start.Truncate(24 * time.Hour); t.Before(r.End); t = t.Add(24 * time.Hour) {
		if t.Before(r.Start) {
			continue
		}
		x := left + int(t.Sub(r.Start)/time.Hour)*cw
		fmt.Fprintf(bw, `<line class="day" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888888"/>`+"\n", x, top-4, x, top+len(r.Series)*ch)
		if day%step == 0 {
			fmt.Fprintf(bw, `<text class="day" x="%d" y="%d">%s</text>`+"\n", x+2, top-8, t.Format(time.DateOnly))
		}
		day++
	}
	gh := r.gapHours()
	for row, s := range r.Series {
		y := top + row*ch
		fmt.Fprintf(bw, `<g class="series" data-account="%s" data-region="%s">`+"\n", html.EscapeString(s.Account), html.EscapeString(s.Region))
		fmt.Fprintf(bw, `<text class="label" x="4" y="%d">%s %s</text>`+"\n", y+ch-3, html.EscapeString(s.Account), html.EscapeString(s.Region))
		var most int64 = 1
		for _, h := range s.hours {
			most = max(most, h.Events)
		}
		inGap := gh[s.Account+"/"+s.Region]
		hour := func(i int) time.Time { return r.Start.Add(time.Duration(i) * time.Hour) }
		cell := func(i int) (string, string) {
			at := hour(i)
			h := s.At(at)
			switch {
			case inGap[at.Unix()]:
				return "gap", colorGap
			case s.active(h):
				return "active", activeColors[int(float64(len(activeColors)-1)*float64(h.Events)/float64(most)+0.5)]
			case h.Files > 0:
				return "files", colorFiles
			case h.Events > 0:
				return "events", colorEvents
			}
			return "none", colorNone
		}
		for i := 0; i < n; {
			class, color := cell(i)
			j := i + 1
			for j < n {
				if c, col := cell(j); c != class || col != color {
					break
				}
				j++
			}
			var events int64
			var files int
			for k := i; k < j; k++ {
				h := s.At(hour(k))
				events += h.Events
				files += h.Files
			}
			from, to := hour(i), hour(j)
			fmt.Fprintf(bw, `<rect class="%s" data-hours="%d" x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s %s %s to %s: %d events, %d files</title></rect>`+"\n",
				class, j-i, left+i*cw, y+1, (j-i)*cw, ch-2, color, html.EscapeString(s.Account), html.EscapeString(s.Region), from.Format(stamp), to.Format(stamp), events, files)
			i = j
		}
		for _, st := range r.Stops {
			if st.Account != s.Account || st.Region != s.Region || st.Stopped.Before(r.Start) || !st.Stopped.Before(r.End) {
				continue
			}
			x := left + int(st.Stopped.Sub(r.Start)/time.Hour)*cw
			fmt.Fprintf(bw, `<rect class="stop" x="%d" y="%d" width="2" height="%d" fill="%s"><title>%s %s by %s at %s</title></rect>`+"\n",
				x, y, ch, colorStopped, html.EscapeString(st.Event), html.EscapeString(st.Trail), html.EscapeString(st.StoppedBy), st.Stopped.Format(time.RFC3339))
		}
		fmt.Fprintln(bw, `</g>`)
	}
	// Legend.
	y := top + len(r.Series)*ch + 14
	x := 4
	for _, l := range []struct{ color, text string }{
		{activeColors[3], "events and log files"}, {colorFiles, "log files only"}, {colorEvents, "events only"},
		{colorNone, "nothing"}, {colorGap, "gap"}, {colorStopped, "trail stopped"},
	} {
		fmt.Fprintf(bw, `<rect class="legend" x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n", x, y, l.color, x+14, y+9, l.text)
		x += 14 + 7*len(l.text) + 16
	}
	fmt.Fprintln(bw, `</svg>`)
	return bw.Flush()
}
