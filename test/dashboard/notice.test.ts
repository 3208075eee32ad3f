import test from 'ava';
import { harness } from './helpers.ts';

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
