// Smoke test (issue 3): stock jsforce from npm, pointed at sfsim, must work unchanged.
// Usage: node smoke.js SFSIM_BINARY  (run.sh installs jsforce and sets NODE_PATH)
// Starts sfsim with org.yaml on a free loopback port, runs each check in order and
// prints "N passed, N failed". Exit 0 only when every check passed.
'use strict';

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const jsforce = require('jsforce');

const VERSION = '60.0';

function startSfsim(binary) {
  const child = spawn(
    binary, ['--org', path.join(__dirname, 'org.yaml'), '--listen', '127.0.0.1:0'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sfsim did not start in 30 s')), 30000);
    child.on('exit', (code) => reject(new Error(`sfsim exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      const m = /^sfsim listening on (\S+):(\d+)$/.exec(line);
      if (!m) return reject(new Error(`unexpected first line: ${line}`));
      resolve({ child, base: `http://${m[1]}:${m[2]}` });
    });
  });
}

async function control(base, route, body) {
  const res = await fetch(`${base}/__sim/${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  assert.equal(res.status, 200, `/__sim/${route}: ${JSON.stringify(json)}`);
  return json;
}

async function main() {
  const { child, base } = await startSfsim(process.argv[2]);
  const checks = [];
  const check = (name, fn) => checks.push({ name, fn });
  let conn;  // established by the first check

  check('password grant login through jsforce OAuth2', async () => {
    const login = new jsforce.Connection({
      oauth2: { clientId: 'smoke-client', clientSecret: 'smoke-secret', loginUrl: base },
      loginUrl: base,
      version: VERSION,
    });
    const info = await login.login('admin@smoke.example', 'admin-pw');
    assert.match(info.id, /^005[0-9A-Za-z]{15}$/);
    assert.match(info.organizationId, /^00D[0-9A-Za-z]{15}$/);
    assert.equal(login.instanceUrl, base);
    assert.ok(login.accessToken);
    const me = await login.query("SELECT Username FROM User WHERE Id = '" + info.id + "'");
    assert.equal(me.records[0].Username, 'admin@smoke.example');
  });

  check('access token from /__sim/tokens', async () => {
    const token = await control(base, 'tokens', { username: 'admin@smoke.example', app: 'jsforce-smoke' });
    conn = new jsforce.Connection({
      instanceUrl: token.instance_url, accessToken: token.access_token, version: VERSION,
    });
    const identity = await conn.identity();
    assert.equal(identity.username, 'admin@smoke.example');
  });

  check('query with autoFetch follows nextRecordsUrl', async () => {
    for (let i = 0; i < 12; i++) {
      const minute = String(i).padStart(2, '0');
      await control(base, 'logins', {
        username: 'int@smoke.example', time: `2024-03-01T11:${minute}:00Z`,
        source_ip: `203.0.113.${i}`, application: 'HubSpot',
      });
    }
    const soql = "SELECT Id, LoginTime, SourceIp, Status FROM LoginHistory WHERE Application = 'HubSpot' ORDER BY LoginTime";
    let fetches = 0;
    const query = conn.query(soql).on('fetch', () => { fetches += 1; });
    const result = await query.run({ autoFetch: true, maxFetch: 1000 });
    assert.equal(result.totalSize, 12);
    assert.equal(result.records.length, 12);
    assert.equal(fetches, 3);  // batch size 5: pages of 5, 5, 2
    assert.deepEqual(result.records.map((r) => r.SourceIp),
      Array.from({ length: 12 }, (_, i) => `203.0.113.${i}`));
    assert.equal(result.records[0].LoginTime, '2024-03-01T11:00:00.000+0000');
    assert.equal(result.records[0].attributes.type, 'LoginHistory');
  });

  check('queryMore with the locator of a page', async () => {
    const first = await conn.query("SELECT Id FROM LoginHistory WHERE Application = 'HubSpot' ORDER BY LoginTime");
    assert.equal(first.done, false);
    assert.equal(first.records.length, 5);
    // jsforce hands back its own absolute URL for the locator sfsim sent.
    assert.ok(first.nextRecordsUrl.includes(`/services/data/v${VERSION}/query/01g`), first.nextRecordsUrl);
    const second = await conn.queryMore(first.nextRecordsUrl);
    assert.equal(second.records.length, 5);
    const third = await conn.queryMore(second.nextRecordsUrl);
    assert.equal(third.done, true);
    assert.equal(third.records.length, 2);
    const ids = new Set([...first.records, ...second.records, ...third.records].map((r) => r.Id));
    assert.equal(ids.size, 12);
  });

  check('create and delete a PermissionSetAssignment', async () => {
    const user = await conn.query("SELECT Id FROM User WHERE Username = 'int@smoke.example'");
    const ps = await conn.query("SELECT Id FROM PermissionSet WHERE Name = 'Extra_Access'");
    const assignee = user.records[0].Id;
    const permissionSet = ps.records[0].Id;
    const created = await conn.sobject('PermissionSetAssignment').create({
      AssigneeId: assignee, PermissionSetId: permissionSet,
    });
    assert.equal(created.success, true, JSON.stringify(created));
    assert.match(created.id, /^0Pa[0-9A-Za-z]{15}$/);
    const find = `SELECT Id, PermissionSet.Name FROM PermissionSetAssignment WHERE AssigneeId = '${assignee}' AND PermissionSetId = '${permissionSet}'`;
    const found = await conn.query(find);
    assert.equal(found.totalSize, 1);
    assert.equal(found.records[0].PermissionSet.Name, 'Extra_Access');
    // A second, identical assignment is refused the way Salesforce refuses it.
    await assert.rejects(
      conn.sobject('PermissionSetAssignment').create({ AssigneeId: assignee, PermissionSetId: permissionSet }),
      (err) => err.errorCode === 'DUPLICATE_VALUE');
    const deleted = await conn.sobject('PermissionSetAssignment').destroy(created.id);
    assert.equal(deleted.success, true, JSON.stringify(deleted));
    assert.equal((await conn.query(find)).totalSize, 0);
    const audit = await conn.query(
      "SELECT Action FROM SetupAuditTrail WHERE Action IN ('PermSetAssign', 'PermSetUnassign') ORDER BY CreatedDate");
    assert.deepEqual(audit.records.map((r) => r.Action), ['PermSetAssign', 'PermSetUnassign']);
  });

  check('read /limits', async () => {
    const limits = await conn.limits();
    const daily = limits.DailyApiRequests;
    assert.equal(daily.Max, 15000);
    assert.ok(daily.Remaining > 0 && daily.Remaining < 15000, JSON.stringify(daily));
    assert.equal(daily['jsforce-smoke'].Max, 5000);
    assert.ok(daily['jsforce-smoke'].Remaining < 5000);
  });

  check('metadata.read SharingRules', async () => {
    const rules = await conn.metadata.read('SharingRules', 'Account');
    assert.equal(rules.fullName, 'Account');
    const criteria = [].concat(rules.sharingCriteriaRules);
    assert.equal(criteria.length, 1);
    assert.equal(criteria[0].fullName, 'Share_To_Int');
    assert.equal(criteria[0].accessLevel, 'Read');
    assert.deepEqual([].concat(criteria[0].sharedTo.group), ['Int_Group']);  // a list in jsforce's schema
    assert.equal([].concat(criteria[0].criteriaItems)[0].field, 'Type');
    const owner = [].concat(rules.sharingOwnerRules);
    assert.equal(owner[0].fullName, 'Owner_Rule');
    assert.deepEqual([].concat(owner[0].sharedFrom.group), ['Int_Group']);
  });

  check('metadata.upsert SharingRules', async () => {
    const rules = await conn.metadata.read('SharingRules', 'Account');
    const rule = [].concat(rules.sharingCriteriaRules)[0];
    rule.accessLevel = 'Edit';
    const result = await conn.metadata.upsert('SharingRules', {
      fullName: 'Account', sharingCriteriaRules: [rule], sharingOwnerRules: rules.sharingOwnerRules,
    });
    assert.equal(String(result.success), 'true', JSON.stringify(result));
    assert.equal(String(result.created), 'false', JSON.stringify(result));
    assert.equal(result.fullName, 'Account');
    const again = await conn.metadata.read('SharingRules', 'Account');
    assert.equal([].concat(again.sharingCriteriaRules)[0].accessLevel, 'Edit');
    const audit = await conn.query("SELECT Action, Section FROM SetupAuditTrail WHERE Section = 'Sharing Rules'");
    assert.ok(audit.totalSize >= 1, 'upsert left no SetupAuditTrail row');
  });

  let passed = 0;
  let failed = 0;
  for (const { name, fn } of checks) {
    try {
      await fn();
      passed += 1;
      console.log(`ok   ${name}`);
    } catch (err) {
      failed += 1;
      console.log(`FAIL ${name}\n     ${(err && err.stack) || err}`);
    }
  }
  child.kill('SIGTERM');
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
