import test from 'ava';
import { harness } from './helpers.ts';
import { parseConfig } from '../../src/config/load.ts';
import { renderNotice } from '../../src/dashboard/notice.ts';

const notice = async (yaml: string) => {
  const h = await harness(yaml);
  try {
    return (await h.app.inject('/notice')).body;
  } finally {
    await h.close();
  }
};

const SENT = /A record of each visit is sent to the operator's back-office system/;

test('/notice says per-visit records are sent to the back office when mqtt.visits is on, with what they hold and how long they wait', async (t) => {
  const on = await notice('mqtt: { visits: true }');
  t.regex(on, SENT);
  t.regex(on, /approximate age band, gender, facial expression, how long you were in view and looked at the screen, and when, the content shown/);
  t.regex(on, /keeps it only until it is delivered, at most 1 hour\./);
  t.notRegex(on, /Nothing is stored about individuals/, 'no longer claimed when a record per person leaves the box');

  const short = await notice('mqtt: { visits: true, visitMaxAgeS: 600 }\nprivacy: { emotion: false }');
  t.regex(short, /at most 10 minutes\./);
  t.notRegex(short, /emotion|expression/i);
});

test('/notice keeps "nothing is stored about individuals" when no per-visit record leaves: the default, or MQTT off', async (t) => {
  for (const yaml of ['', 'mqtt: { enabled: false, visits: true }']) {
    const html = await notice(yaml);
    t.regex(html, /Nothing is stored about individuals/, yaml || 'defaults');
    t.notRegex(html, SENT, yaml || 'defaults');
  }
});

/** The notice states what is reported about groups: per whole past period, never under k (issue 18). */
test('/notice says groups are reported per whole past period of the configured length, never under k', (t) => {
  const byDefault = parseConfig('');
  const html = renderNotice(byDefault.device, byDefault.privacy, byDefault.mqtt);
  t.regex(html, /Groups \(age band, gender, expression, content shown\) are reported only for whole past periods of one hour, and never a group smaller than 5 people in its period/);
  t.regex(html, /deleted after 90 days/);
  const custom = parseConfig("privacy: { breakdownPeriod: '15m', kAnonymity: 8, emotion: false }");
  const other = renderNotice(custom.device, custom.privacy, custom.mqtt);
  t.regex(other, /whole past periods of 15 minutes, and never a group smaller than 8 people/);
  t.notRegex(other, /expression/);
  t.regex(renderNotice(custom.device, { ...custom.privacy, breakdownPeriod: '1d' }, custom.mqtt), /periods of one day/);
});
