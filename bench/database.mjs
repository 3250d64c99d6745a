// The bench's one way to start from an empty database: `url`'s database is DROPPED and
// created anew (through the server's `postgres` database).
import pg from 'pg';

export async function recreateDatabase(url) {
  const target = new URL(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  const quoted = `"${target.pathname.slice(1).replace(/"/g, '""')}"`;
  await client.query(`drop database if exists ${quoted} with (force)`);
  await client.query(`create database ${quoted}`);
  await client.end();
}
