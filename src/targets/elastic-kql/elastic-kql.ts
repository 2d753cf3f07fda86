import { OFF, type TargetDeclaration, type Unsupported, unsupported } from '../../lower/target.js';

// Skeleton only: the real declaration follows in the next commit.
const todo: Unsupported = unsupported('this value kind', 'not implemented yet');

export const elasticKql: TargetDeclaration<'elastic-kql'> = {
  id: 'elastic-kql',
  title: 'Elastic KQL (Kibana Query Language)',
  summary: 'work in progress',
  language: {
    name: 'elastic-kql',
    boolean: {
      and: ' and ',
      or: ' or ',
      not: { open: 'not ', close: '' },
      precedence: { not: 3, and: 2, or: 1 },
      group: { open: '(', close: ')' },
      groupMixed: true,
      always: '*',
      never: unsupported('an empty result', 'not implemented yet'),
      negation: 'operator',
    },
    fieldName: (name) => name,
    values: {
      string: todo,
      number: todo,
      boolean: todo,
      null: todo,
      regex: todo,
      cidr: todo,
      compare: todo,
      exists: todo,
      fieldref: todo,
      timepart: todo,
    },
    keyword: todo,
    listFold: OFF,
  },
  postFilter: OFF,
  source: { default: null, note: 'no source', write: (s) => s },
  embedAs: 'and',
  options: [],
};
