package gen

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

const (
	// perFiveMinutes is the most records one file holds per five minutes
	// of its delivery window (Options.Window, world.win).
	perFiveMinutes = 250
	// dupEvery: one record in dupEvery is delivered a second time.
	dupEvery = 1000
	// sessionEvery: about one new session per sessionEvery records of an
	// account.
	sessionEvery = 50
	// maxSessions bounds the live sessions of one account.
	maxSessions = 60
	// insightEvery: one Insights pair per insightEvery records, at least one
	// from insightMinEvents on.
	insightEvery     = 10000
	insightMinEvents = 1000
)

// fileCtx is what the regular records of one file are made from. It is
// immutable once planned: a later file that repeats one of its records
// (a duplicate delivery) regenerates the record from it.
type fileCtx struct {
	acct     *account
	region   int
	ws       int64 // window start
	seed     uint64
	sessions []*session // the account's sessions issued before ws
	regular  int        // number of regular records
}

// forced is a record of a file that is not drawn at random: the issue of a
// session, a planted scenario record, or an Insights record.
type forced struct {
	t          int64
	sess       *session
	callerCopy bool
	scenario   int // scenario step + 1
	detect     int // detection step + 1
	ins        *insight
	insEnd     bool
}

type dupRef struct {
	fc *fileCtx
	j  int
}

// job is one file to write.
type job struct {
	key    string // object key, slash separated
	fc     *fileCtx
	forced []forced
	dups   []dupRef
}

func (j *job) count() int { return j.fc.regular + len(j.forced) + len(j.dups) }

// run is what one account and region get in one window, before it is
// split into files.
type run struct {
	cell    int
	acct    int
	region  int
	regular int
	forced  []forced
	dups    []dupRef
}

// planner decides, in time order, which files exist and what is in them.
// It is sequential and cheap; the records are written by the workers.
type planner struct {
	w        *world
	r        *rand.Rand
	sessions [][]*session
	last     []*fileCtx // per cell: the latest file of the day
	credit   int64      // duplicate credit, in records
	hourW    [24]uint64
	cells    weighted
}

func newPlanner(w *world) *planner {
	p := &planner{
		w:        w,
		r:        newRand(mix2(w.o.Seed, streamPlan)),
		sessions: make([][]*session, len(w.accounts)),
		last:     make([]*fileCtx, len(w.accounts)*len(w.regions)),
		hourW:    [24]uint64{30, 25, 20, 18, 18, 20, 30, 45, 60, 70, 75, 80, 85, 95, 100, 100, 100, 95, 90, 80, 65, 55, 45, 35},
	}
	regionW := []uint64{500, 220, 160, 110, 70, 60, 50, 45, 40, 35, 30, 25, 20, 18, 15, 12, 10}
	ws := make([]uint64, 0, len(w.accounts)*len(w.regions))
	for a := range w.accounts {
		aw := 8000/uint64(8+a) + uint64(p.r.IntN(200))
		for r := range w.regions {
			ws = append(ws, aw*regionW[r])
		}
	}
	p.cells = newWeighted(ws)
	return p
}

// counts returns how many records of each kind the run writes.
func counts(n int64) (regular, scenario, insights int64) {
	if n >= ScenarioMinEvents {
		scenario = ScenarioEvents
	}
	if n >= insightMinEvents {
		insights = 2 * max(1, n/insightEvery)
	}
	return n - scenario - insights, scenario, insights
}

// plan calls emit for every file, in time order.
func (p *planner) plan(emit func(*job) error) error {
	w := p.w
	nRegular, nScenario, nInsights := counts(w.o.Events)
	windowsPerDay := int(86400 / w.win)
	nWin := w.days * windowsPerDay
	winW := make([]uint64, nWin)
	for i := range winW {
		day := int64(i / windowsPerDay)
		weekday := (w.start/86400 + day + 4) % 7 // 0 is Sunday
		f := uint64(100)
		if weekday == 0 || weekday == 6 {
			f = 45
		}
		winW[i] = p.hourW[int64(i%windowsPerDay)*w.win/3600] * f * uint64(70+p.r.IntN(61))
	}
	perWin := apportion(p.r, nRegular, winW)

	// The detection scenarios take the place of regular records of the
	// windows from their first on (at most half of each run's, after the
	// sessions and duplicates are planned), so that planting them changes
	// no file before those and no random draw of the plan: planted when
	// those windows hold enough records.
	var detects []int // detection steps in time order
	for i := range detectSteps {
		detects = append(detects, i)
	}
	slices.SortStableFunc(detects, func(a, b int) int { return cmpInt64(detectSteps[a].at, detectSteps[b].at) })
	w0 := int((w.detectAt(detects[0]) - w.start) / w.win)
	debt := 0
	if nScenario > 0 && w.o.Events >= DetectionMinEvents {
		after := int64(0)
		for _, n := range perWin[w0:] {
			after += n
		}
		if after >= 4*int64(DetectionEvents) {
			debt = DetectionEvents
		}
	}
	if debt == 0 {
		detects = nil
	}

	// Insights: pairs spread over accounts, regions and days; each record
	// is delivered in the window of its time.
	var ins []forced
	for range nInsights / 2 {
		a := w.accounts[p.r.IntN(len(w.accounts))]
		in := w.newInsight(p.r, a, p.r.IntN(len(w.regions)), p.r.IntN(w.days))
		ins = append(ins, forced{t: in.start, ins: in}, forced{t: in.end, ins: in, insEnd: true})
	}
	slices.SortStableFunc(ins, func(a, b forced) int { return cmpInt64(a.t, b.t) })
	nextScenario := 0
	if nScenario == 0 {
		nextScenario = ScenarioEvents
	}

	var draws []int32
	var runs []*run
	snap := make([][]*session, len(w.accounts))
	for win := range nWin {
		ws := w.start + int64(win)*w.win
		if win%windowsPerDay == 0 {
			clear(p.last)
		}
		// Which account and region each record of the window belongs to.
		draws = draws[:0]
		for range perWin[win] {
			draws = append(draws, int32(p.cells.draw(p.r)))
		}
		slices.Sort(draws)
		runs = runs[:0]
		for _, d := range draws {
			if len(runs) > 0 && runs[len(runs)-1].cell == int(d) {
				runs[len(runs)-1].regular++
				continue
			}
			runs = append(runs, &run{cell: int(d), acct: int(d) / len(w.regions), region: int(d) % len(w.regions), regular: 1})
		}
		// Planted scenario records of this window go to the first
		// account's us-east-1 file.
		for nextScenario < ScenarioEvents && w.scenarioAt(nextScenario) < ws+w.win {
			if len(runs) == 0 || runs[0].cell != 0 {
				runs = slices.Insert(runs, 0, &run{})
			}
			runs[0].forced = append(runs[0].forced, forced{t: w.scenarioAt(nextScenario), scenario: nextScenario + 1})
			nextScenario++
		}
		// Detection scenario records go there too, but for those of
		// another region, which get a file of their own.
		var elsewhere []forced
		for len(detects) > 0 && w.detectAt(detects[0]) < ws+w.win {
			i := detects[0]
			detects = detects[1:]
			f := forced{t: w.detectAt(i), detect: i + 1}
			if detectSteps[i].region != "" {
				elsewhere = append(elsewhere, f)
				continue
			}
			if len(runs) == 0 || runs[0].cell != 0 {
				runs = slices.Insert(runs, 0, &run{})
			}
			runs[0].forced = append(runs[0].forced, f)
		}
		p.planSessions(runs, snap, ws)
		p.planDuplicates(runs)
		if debt > 0 && win >= w0 {
			for _, rn := range runs {
				d := min(debt, (rn.regular+1)/2)
				rn.regular -= d
				debt -= d
			}
		}
		for _, rn := range runs {
			if err := p.emitRun(rn, snap[rn.acct], ws, emit); err != nil {
				return err
			}
		}
		for _, f := range elsewhere {
			// Its key draws from a stream of its own, not from p.r.
			r := newRand(mix2(mix2(w.o.Seed, streamPlanted), uint64(f.detect)))
			fc := &fileCtx{acct: w.accounts[0], ws: ws}
			j := &job{key: p.keyIn("CloudTrail", fc.acct, detectSteps[f.detect-1].region, ws, r), fc: fc, forced: []forced{f}}
			if err := emit(j); err != nil {
				return err
			}
		}
		for len(ins) > 0 && ins[0].t < ws+w.win {
			f := ins[0]
			ins = ins[1:]
			fc := &fileCtx{acct: f.ins.acct, region: f.ins.region, ws: ws, seed: p.r.Uint64()}
			j := &job{key: p.key("CloudTrail-Insight", fc.acct, fc.region, ws), fc: fc, forced: []forced{f}}
			if err := emit(j); err != nil {
				return err
			}
		}
	}
	if debt > 0 {
		return fmt.Errorf("gen: BUG: %d regular records were to make room for the detection scenarios", debt)
	}
	return nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// planSessions expires sessions, takes each active account's snapshot, and
// issues new sessions: each issue takes the place of one regular record in
// a file of the window (two for a cross-account call, which is delivered
// to both accounts).
func (p *planner) planSessions(runs []*run, snap [][]*session, ws int64) {
	w := p.w
	// Group runs by account (runs are sorted by cell, so by account).
	type group struct{ acct, from, to, total int }
	var groups []group
	for i, rn := range runs {
		if len(groups) > 0 && groups[len(groups)-1].acct == rn.acct {
			groups[len(groups)-1].to = i + 1
			groups[len(groups)-1].total += rn.regular
			continue
		}
		groups = append(groups, group{acct: rn.acct, from: i, to: i + 1, total: rn.regular})
	}
	for _, g := range groups {
		ss := p.sessions[g.acct]
		live := 0
		for _, s := range ss {
			if s.end > ws {
				live++
			}
		}
		if live < len(ss) {
			next := make([]*session, 0, live+4)
			for _, s := range ss {
				if s.end > ws {
					next = append(next, s)
				}
			}
			p.sessions[g.acct] = next
		}
		snap[g.acct] = p.sessions[g.acct]
	}
	// spare finds a run of account a with a regular record to give up,
	// preferring us-east-1 (where the global STS endpoint logs).
	spare := func(g group) *run {
		if rn := runs[g.from]; rn.region == 0 && rn.regular > 0 && chance(p.r, 700) {
			return rn
		}
		start := p.r.IntN(g.to - g.from)
		for k := range g.to - g.from {
			if rn := runs[g.from+(start+k)%(g.to-g.from)]; rn.regular > 0 {
				return rn
			}
		}
		return nil
	}
	spareIn := func(g group, region int) *run {
		for _, rn := range runs[g.from:g.to] {
			if rn.region == region && rn.regular > 0 {
				return rn
			}
		}
		return nil
	}
	for gi, g := range groups {
		a := w.accounts[g.acct]
		k := g.total / sessionEvery
		if p.r.IntN(sessionEvery) < g.total%sessionEvery {
			k++
		}
		if k == 0 && len(snap[g.acct]) == 0 && g.total > 0 {
			k = 1
		}
		k = min(k, maxSessions-len(p.sessions[g.acct]))
		for range k {
			rn := spare(g)
			if rn == nil {
				break
			}
			t := ws + int64(p.r.IntN(int(w.win)))
			var kind sessKind
			switch x := p.r.IntN(1000); {
			case x < 280:
				kind = sessUser
			case x < 580:
				kind = sessService
			case x < 720:
				kind = sessSAML
			case x < 820:
				kind = sessWeb
			case x < 940:
				kind = sessChain
			default:
				kind = sessFederated
			}
			var parent *session
			if kind == sessChain {
				parent = p.parentSession(snap[g.acct], ws, t)
				if parent == nil {
					kind = sessUser
				}
			}
			owner, ownerRun := a, rn
			if kind == sessChain && len(groups) > 1 && chance(p.r, 500) {
				// Cross-account: the role is in another account that has
				// records in this window.
				og := groups[(gi+1+p.r.IntN(len(groups)-1))%len(groups)]
				if orn := spare(og); orn != nil {
					owner, ownerRun = w.accounts[og.acct], orn
				}
			}
			s := w.newSession(p.r, kind, owner, t, parent)
			ownerRun.forced = append(ownerRun.forced, forced{t: t, sess: s})
			ownerRun.regular--
			if owner != a {
				// The copy for the calling account: same call, same region.
				if crn := spareIn(g, ownerRun.region); crn != nil {
					crn.forced = append(crn.forced, forced{t: t, sess: s, callerCopy: true})
					crn.regular--
				}
			}
			p.sessions[owner.idx] = append(p.sessions[owner.idx], s)
		}
	}
}

// parentSession picks a session of the snapshot that can assume another
// role at t.
func (p *planner) parentSession(ss []*session, ws, t int64) *session {
	if len(ss) == 0 {
		return nil
	}
	for range 4 {
		s := ss[p.r.IntN(len(ss))]
		if s.start < ws && s.end > t && s.kind != sessFederated && s.kind != sessChain {
			return s
		}
	}
	return nil
}

// planDuplicates makes about one record in dupEvery a second delivery of a
// record of an earlier file of the same account, region and day.
func (p *planner) planDuplicates(runs []*run) {
	for _, rn := range runs {
		p.credit += int64(rn.regular)
		for p.credit >= dupEvery && rn.regular > 0 {
			src := p.last[rn.cell]
			if src == nil || src.regular == 0 {
				break
			}
			rn.dups = append(rn.dups, dupRef{fc: src, j: p.r.IntN(src.regular)})
			rn.regular--
			p.credit -= dupEvery
		}
		p.credit = min(p.credit, 5*dupEvery)
	}
}

// emitRun splits a run into files of at most world.perFile records.
func (p *planner) emitRun(rn *run, sessions []*session, ws int64, emit func(*job) error) error {
	a := p.w.accounts[rn.acct]
	total := rn.regular + len(rn.forced) + len(rn.dups)
	n := (total + p.w.perFile - 1) / p.w.perFile
	var last *fileCtx
	for i := range n {
		fc := &fileCtx{
			acct:     a,
			region:   rn.region,
			ws:       ws,
			seed:     p.r.Uint64(),
			sessions: sessions,
			regular:  share(rn.regular, n, i),
		}
		j := &job{key: p.key("CloudTrail", a, rn.region, ws), fc: fc}
		for k := i; k < len(rn.forced); k += n {
			j.forced = append(j.forced, rn.forced[k])
		}
		for k := i; k < len(rn.dups); k += n {
			j.dups = append(j.dups, rn.dups[k])
		}
		if fc.regular > 0 {
			last = fc
		}
		if err := emit(j); err != nil {
			return err
		}
	}
	if last != nil {
		p.last[rn.cell] = last
	}
	return nil
}

// share is part i of n equal parts of total.
func share(total, n, i int) int {
	s := total / n
	if i < total%n {
		s++
	}
	return s
}

// key returns the object key of a new file of kind (CloudTrail or
// CloudTrail-Insight) for account a, region and the window at ws.
func (p *planner) key(kind string, a *account, region int, ws int64) string {
	return p.keyIn(kind, a, p.w.regions[region], ws, p.r)
}

// keyIn returns the object key of a new file of kind for account a in the
// region named rname, its random suffix drawn from r.
func (p *planner) keyIn(kind string, a *account, rname string, ws int64, r *rand.Rand) string {
	w := p.w
	day := ws - ws%86400
	ts := min(ws+w.win, day+86400-60)
	b := make([]byte, 0, 160)
	b = append(b, "AWSLogs/"...)
	if w.o.Org != "" {
		b = append(b, w.o.Org...)
		b = append(b, '/')
	}
	b = append(b, a.id...)
	b = append(b, '/')
	b = append(b, kind...)
	b = append(b, '/')
	b = append(b, rname...)
	b = append(b, '/')
	t := appendTime(nil, ts) // 2006-01-02T15:04:05Z
	b = append(b, t[0:4]...)
	b = append(b, '/')
	b = append(b, t[5:7]...)
	b = append(b, '/')
	b = append(b, t[8:10]...)
	b = append(b, '/')
	b = append(b, a.id...)
	b = append(b, '_')
	b = append(b, kind...)
	b = append(b, '_')
	b = append(b, rname...)
	b = append(b, '_')
	b = append(b, t[0:4]...)
	b = append(b, t[5:7]...)
	b = append(b, t[8:10]...)
	b = append(b, 'T')
	b = append(b, t[11:13]...)
	b = append(b, t[14:16]...)
	b = append(b, 'Z', '_')
	b = appendRand(b, r, alnum, 16)
	b = append(b, ".json.gz"...)
	return string(b)
}
