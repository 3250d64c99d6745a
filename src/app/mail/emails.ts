import { listEmails as listRows, selectEmailById } from '../../adapters/db/repos/emails-repo.js';
import { readById, readPage } from '../shared/reads.js';

/** One mail of the tenant's mailbox; another tenant's is "email does not exist". */
export const getEmail = readById('email', selectEmailById);

/** The tenant's mailbox, newest first, filtered by recipient, kind or related object. */
export const listEmails = readPage(listRows);
