"""The disputes pages: the department worklist (with quick actions on its rows), a dispute's
page (timeline, evidence, the workflow's forms), registering a dispute, notifications."""
