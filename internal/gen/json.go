package gen

import "strconv"

// jw appends JSON text to a byte slice. It tracks only whether the next
// member or element needs a comma, which is enough for output that is
// written strictly in order.
type jw struct {
	b     []byte
	comma bool
}

func (w *jw) reset() {
	w.b = w.b[:0]
	w.comma = false
}

func (w *jw) sep() {
	if w.comma {
		w.b = append(w.b, ',')
	}
}

// open starts an object value.
func (w *jw) open() {
	w.sep()
	w.b = append(w.b, '{')
	w.comma = false
}

// close ends an object.
func (w *jw) close() {
	w.b = append(w.b, '}')
	w.comma = true
}

// arr starts an array value.
func (w *jw) arr() {
	w.sep()
	w.b = append(w.b, '[')
	w.comma = false
}

// end ends an array.
func (w *jw) end() {
	w.b = append(w.b, ']')
	w.comma = true
}

// key writes a member name; the caller writes its value next.
func (w *jw) key(k string) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
	w.comma = false
}

// str writes a string value.
func (w *jw) str(v string) {
	w.sep()
	w.b = appendQuoted(w.b, v)
	w.comma = true
}

// strb writes a string value held in bytes.
func (w *jw) strb(v []byte) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = appendEscaped(w.b, v)
	w.b = append(w.b, '"')
	w.comma = true
}

func (w *jw) int(v int64) {
	w.sep()
	w.b = strconv.AppendInt(w.b, v, 10)
	w.comma = true
}

func (w *jw) bool(v bool) {
	w.sep()
	w.b = strconv.AppendBool(w.b, v)
	w.comma = true
}

func (w *jw) null() {
	w.sep()
	w.b = append(w.b, "null"...)
	w.comma = true
}

// raw writes a value that is already JSON text (nil writes null).
func (w *jw) raw(v []byte) {
	if v == nil {
		w.null()
		return
	}
	w.sep()
	w.b = append(w.b, v...)
	w.comma = true
}

// ks writes a member with a string value.
func (w *jw) ks(k, v string) {
	w.key(k)
	w.str(v)
}

// ki writes a member with an integer value.
func (w *jw) ki(k string, v int64) {
	w.key(k)
	w.int(v)
}

// kb writes a member with a boolean value.
func (w *jw) kb(k string, v bool) {
	w.key(k)
	w.bool(v)
}

// kt writes a member whose value is the time t in CloudTrail's format.
func (w *jw) kt(k string, t int64) {
	w.key(k)
	w.sep()
	w.b = append(w.b, '"')
	w.b = appendTime(w.b, t)
	w.b = append(w.b, '"')
	w.comma = true
}

// ko starts a member whose value is an object.
func (w *jw) ko(k string) {
	w.key(k)
	w.open()
}

// ka starts a member whose value is an array.
func (w *jw) ka(k string) {
	w.key(k)
	w.arr()
}

// kempty writes a member whose value is the empty object.
func (w *jw) kempty(k string) {
	w.key(k)
	w.b = append(w.b, '{', '}')
	w.comma = true
}

const hexDigits = "0123456789abcdef"

func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' {
			return append(appendEscapedString(b, s[i:]), '"')
		}
		b = append(b, c)
	}
	return append(b, '"')
}

func appendEscapedString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		b = appendEscapedByte(b, s[i])
	}
	return b
}

func appendEscaped(b, s []byte) []byte {
	for _, c := range s {
		b = appendEscapedByte(b, c)
	}
	return b
}

func appendEscapedByte(b []byte, c byte) []byte {
	switch {
	case c == '"' || c == '\\':
		return append(b, '\\', c)
	case c == '\n':
		return append(b, '\\', 'n')
	case c == '\t':
		return append(b, '\\', 't')
	case c == '\r':
		return append(b, '\\', 'r')
	case c < 0x20:
		return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
	}
	return append(b, c)
}

// appendTime appends the Unix time t (seconds, UTC) as CloudTrail writes
// eventTime: 2006-01-02T15:04:05Z.
func appendTime(b []byte, t int64) []byte {
	y, m, d := civil(t / 86400)
	s := t % 86400
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, int(s/3600))
	b = append(b, ':')
	b = append2(b, int(s/60%60))
	b = append(b, ':')
	b = append2(b, int(s%60))
	return append(b, 'Z')
}

// civil converts days since 1970-01-01 to a date (Howard Hinnant's
// days_from_civil inverse); t must be on or after 1970.
func civil(days int64) (y, m, d int) {
	z := days + 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	yy := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd := doy - (153*mp+2)/5 + 1
	mm := mp + 3
	if mm > 12 {
		mm -= 12
	}
	if mm <= 2 {
		yy++
	}
	return int(yy), int(mm), int(dd)
}

func append2(b []byte, v int) []byte {
	return append(b, byte('0'+v/10), byte('0'+v%10))
}

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}
