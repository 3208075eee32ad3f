import test from 'ava';
import { parseConfig } from '../../src/config/load.ts';
import { renderNotice } from '../../src/dashboard/notice.ts';

/** The notice states what is reported about groups: per whole past period, never under k (issue 18). */
test('/notice says groups are reported per whole past period of the configured length, never under k', (t) => {
  const byDefault = parseConfig('');
  const html = renderNotice(byDefault.device, byDefault.privacy);
  t.regex(html, /Groups \(age band, gender, expression, content shown\) are reported only for whole past periods of one hour, and never a group smaller than 5 people in its period/);
  t.regex(html, /deleted after 90 days/);
  const custom = parseConfig("privacy: { breakdownPeriod: '15m', kAnonymity: 8, emotion: false }");
  const other = renderNotice(custom.device, custom.privacy);
  t.regex(other, /whole past periods of 15 minutes, and never a group smaller than 8 people/);
  t.notRegex(other, /expression/);
  t.regex(renderNotice(custom.device, { ...custom.privacy, breakdownPeriod: '1d' }), /periods of one day/);
});
