import {
  listReturns as listRows,
  type ReturnFilter,
  selectReturnById,
} from '../../adapters/db/repos/returns-repo.js';
import { readById, readPage } from '../shared/reads.js';

export const getReturn = readById('return', selectReturnById);
export const listReturns = readPage<
  ReturnFilter,
  Awaited<ReturnType<typeof listRows>>['items'][number]
>(listRows);
