/** A valid correlation rule (event_count over one rule id): the tests' example of a document no target converts. */
export const CORRELATION_TEXT = `title: Many failures
id: 2e95725d-7320-415d-80f7-004da920fc13
correlation:
    type: event_count
    rules:
        - 0e95725d-7320-415d-80f7-004da920fc11
    group-by:
        - User
    timespan: 1h
    condition:
        gte: 10
`;
