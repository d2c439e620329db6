import '../indicators/resilience/peer';

export * from '../indicators/resilience';
