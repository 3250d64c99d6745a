import {
  listPaymentIntents as listPaymentIntentRows,
  selectPaymentIntentById,
} from '../../adapters/db/repos/payment-intents-repo.js';
import { readById, readPage } from '../shared/reads.js';

export const getPaymentIntent = readById('payment intent', selectPaymentIntentById);

export const listPaymentIntents = readPage(listPaymentIntentRows);
