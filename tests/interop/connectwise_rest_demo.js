// connectwise-rest (the published npm package) against `cwql serve --demo`.
//
//     NODE_PATH=FOLDER/node_modules node tests/interop/connectwise_rest_demo.js http://127.0.0.1:PORT
//
// FOLDER is where `npm install connectwise-rest` ran (tests/interop/run.sh makes one). The client
// runs unmodified, with one workaround for its own quirk: it builds `https://{companyUrl}/...`
// into each API object's axios instance, so the script points those instances at the fake's
// http:// address. Exits non-zero, naming the check, when any check fails.
'use strict'

const { ManageAPI } = require('connectwise-rest')

const root = (process.argv[2] || '').replace(/\/+$/, '')
if (!root.startsWith('http://')) {
  console.error('usage: connectwise_rest_demo.js ROOT (e.g. http://127.0.0.1:8123)')
  process.exit(2)
}

function check(name, ok, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && detail !== undefined ? ': ' + JSON.stringify(detail) : ''}`)
  if (!ok) {
    console.error(`connectwise-rest interop failed: ${name}`)
    process.exit(1)
  }
}

async function main() {
  const quiet = () => {}
  const cwm = new ManageAPI({
    companyId: 'demo', publicKey: 'demo-public', privateKey: 'demo-private', clientId: 'demo-client',
    companyUrl: new URL(root).host, entryPoint: 'v4_6_release', logger: quiet,
  })
  // The client's quirk: every API object carries its own axios instance, fixed to https://.
  const base = `${root}/v4_6_release/apis/3.0`
  for (const api of [cwm, ...Object.values(cwm).filter((v) => v && v.instance)]) {
    api.instance.defaults.baseURL = base
  }

  // A list with conditions, customFieldConditions, orderBy and fields. axios sends spaces as +.
  const tickets = await cwm.ServiceAPI.getServiceTickets({
    conditions: 'closedFlag = false and priority/id in (1, 2) and summary contains "e"',
    customFieldConditions: 'caption = "Region" and value = "West"',
    orderBy: 'id desc', fields: 'id,summary,closedFlag,priority/id', pageSize: 1000,
  })
  check('conditions and customFieldConditions', tickets.length > 0 && tickets.every(
    (t) => t.closedFlag === false && [1, 2].includes(t.priority.id) && t.summary.toLowerCase().includes('e')),
  tickets.length)
  const ids = tickets.map((t) => t.id)
  check('orderBy id desc', ids.every((id, i) => i === 0 || ids[i - 1] > id), ids.slice(0, 5))
  check('fields', tickets.every((t) => Object.keys(t).sort().join() === 'closedFlag,id,priority,summary'))

  // childConditions reach into an array; a datetime in brackets goes through as written.
  const contacts = await cwm.CompanyAPI.getCompanyContacts({
    childConditions: 'communicationItems/communicationType = "Phone" and communicationItems/value like "+44*"',
    conditions: 'lastUpdated > [2024-01-01T00:00:00Z]', pageSize: 1000,
  })
  check('childConditions', contacts.length > 0 && contacts.every((c) => c.communicationItems.some(
    (i) => i.communicationType === 'Phone' && i.value.startsWith('+44'))), contacts.length)

  // Paged iteration to the last record: connectwise-rest asks for pages until one comes back short.
  const conditions = 'closedFlag = false'
  const walked = await cwm.paginate(cwm.ServiceAPI.getServiceTickets, { startPage: 1, pageSize: 100 }, { conditions })
  const { count } = await cwm.ServiceAPI.getServiceTicketsCount({ conditions })
  const unique = new Set(walked.map((t) => t.id))
  check('paged iteration reaches the last record', walked.length === count && unique.size === count && count > 100,
    [walked.length, count])

  // An unknown field, and an array path in conditions, reach the client as errors.
  for (const [call, condition] of [
    [(p) => cwm.CompanyAPI.getCompanyContacts(p), 'types/name = "Primary"'],
    [(p) => cwm.CompanyAPI.getCompanyCompanies(p), 'typeids = "1"'],
  ]) {
    let error = null
    try {
      await call({ conditions: condition })
    } catch (e) {
      error = e
    }
    check(`400 ApiFindCondition for ${condition}`,
      error !== null && error.status === 400 && error.data && error.data.code === 'ApiFindCondition', error)
  }
  console.log('connectwise-rest: all checks passed')
}

main().catch((e) => {
  console.error('connectwise-rest interop failed:', e)
  process.exit(1)
})
