import { it } from 'node:test'
import assert from 'node:assert/strict'
import { gunzipSync } from 'node:zlib'
import { clientFor, describeEachStore } from './support.js'
import { expectApiError } from './admin-support.js'

const schema = {
  name: { type: 'string', 'x-zui': { index: 0 } },
  age: { type: 'number', 'x-zui': { index: 1 } },
  active: { type: 'boolean', 'x-zui': { index: 2 } },
  meta: { type: 'object', 'x-zui': { index: 3 } },
}

describeEachStore('tables: import and export jobs', ({ server }) => {
  const client = () => clientFor(server())
  const download = async (fileId: string) => {
    const { file } = await client().getFile({ id: fileId })
    return Buffer.from(await (await fetch(file.url)).arrayBuffer())
  }

  it('importTable reads a CSV or JSON file of the Files API; getTableJobs lists the jobs', async () => {
    await client().createTable({ name: 'ImportTable', schema })
    const csv = 'name,age,active,meta\nAnn,30,true,"{""city"":""Oslo""}"\n"Bob, Jr",,false,\n'
    const { file } = await client().uploadFile({ key: 'people.csv', content: csv })
    const { job } = await client().importTable({ table: 'ImportTable', fileId: file.id })
    assert.equal(job.status, 'completed')
    assert.equal(job.type, 'import')
    assert.equal(job.inputFileId, file.id)
    const { rows } = await client().findTableRows({ table: 'ImportTable' })
    assert.deepEqual(rows.map((r) => [r.name, r.age, r.active, r.meta]), [['Ann', 30, true, { city: 'Oslo' }], ['Bob, Jr', undefined, false, undefined]])

    const json = await client().uploadFile({ key: 'people.json', content: JSON.stringify([{ name: 'Cid', age: 5 }]) })
    await client().importTable({ table: 'ImportTable', fileId: json.file.id })
    assert.equal((await client().getTable({ table: 'ImportTable' })).rows, 3)

    // A file that does not fit the schema: the job fails, says why, and imports nothing.
    const bad = await client().uploadFile({ key: 'bad.json', content: JSON.stringify([{ name: 'ok' }, { name: 'x', age: 'old' }]) })
    await expectApiError(client().importTable({ table: 'ImportTable', fileId: bad.file.id }), { code: 400, message: /Imported row 2: column "age"/ })
    await expectApiError(client().importTable({ table: 'ImportTable', fileId: 'file_missing' }), { code: 404 })
    assert.equal((await client().getTable({ table: 'ImportTable' })).rows, 3)
    const { jobs } = await client().getTableJobs({ table: 'ImportTable' })
    assert.deepEqual(jobs.map((j) => j.status), ['failed', 'failed', 'completed', 'completed'])
  })

  it('exportTable writes CSV or JSON (gzipped on demand) to a new file', async () => {
    await client().createTable({ name: 'ExportTable', schema })
    await client().createTableRows({ table: 'ExportTable', rows: [{ name: 'Ann, "the first"', age: 30, meta: { a: 1 } }, { name: 'Bob', active: false }] })
    const csvJob = (await client().exportTable({ table: 'ExportTable', format: 'csv' })).job
    assert.equal(csvJob.status, 'completed')
    const csv = (await download(csvJob.outputFileId!)).toString('utf8').split('\r\n')
    assert.equal(csv[0], 'id,createdAt,updatedAt,name,age,active,meta')
    assert.match(csv[1]!, /^1,[^,]+,[^,]+,"Ann, ""the first""",30,,"\{""a"":1\}"$/)
    assert.match(csv[2]!, /^2,.*,Bob,,false,$/)
    const jsonJob = (await client().exportTable({ table: 'ExportTable', format: 'json', compress: true })).job
    const exported = JSON.parse(gunzipSync(await download(jsonJob.outputFileId!)).toString('utf8'))
    assert.deepEqual(Object.keys(exported.schema.properties), ['name', 'age', 'active', 'meta'])
    assert.deepEqual(exported.rows.map((r: { id: number; name: string }) => [r.id, r.name]), [[1, 'Ann, "the first"'], [2, 'Bob']])
    // What was exported imports back.
    await client().createTable({ name: 'RoundTripTable', schema })
    await client().importTable({ table: 'RoundTripTable', fileId: jsonJob.outputFileId! })
    await client().importTable({ table: 'RoundTripTable', fileId: csvJob.outputFileId! })
    const { rows } = await client().findTableRows({ table: 'RoundTripTable' })
    assert.deepEqual(rows.map((r) => [r.name, r.age, r.meta]), [['Ann, "the first"', 30, { a: 1 }], ['Bob', undefined, undefined], ['Ann, "the first"', 30, { a: 1 }], ['Bob', undefined, undefined]])
  })
})
