import { loadPeer, PACKAGE_NAME } from '../shared/require-peer';

// Say once, clearly, that this entry needs amqplib, before anything else loads it.
loadPeer('amqplib', `${PACKAGE_NAME}/amqp`);
