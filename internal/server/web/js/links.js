// links.js: which cells lead somewhere: an event id to the event's
// record, a principal (an IAM or STS ARN, an access key id) to its whois
// chain, a source address to its timeline.

const ARN = /^arn:aws[\w-]*:(iam|sts)::\d{12}:/;
const KEY = /^(AKIA|ASIA)[A-Z0-9]{12,}$/;
const IP = /^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-f]*:[0-9a-f:]+$/i;

export function cellLink(col, v, text) {
  if (typeof v !== 'string') return null;
  const name = col.name.toLowerCase();
  if ((name === 'eventid' || name.endsWith('.eventid') || name === 'event_id') && /^[\w-]{8,}$/.test(v)) {
    return '#/event/' + encodeURIComponent(v);
  }
  if (ARN.test(v) || KEY.test(v)) return '#/whois?principal=' + encodeURIComponent(v);
  if (/sourceip|source_ip|^ip$/.test(name) && IP.test(v)) return '#/timeline?ip=' + encodeURIComponent(v);
  return null;
}
