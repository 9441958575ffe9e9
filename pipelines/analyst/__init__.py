"""The analysts' side of the model: labels in the store (`labelling`), model versions and
promotion (`registry`), retraining a candidate and comparing it with the current model
(`retrain`), and scoring the stored items again after a promotion (`rescore`)."""
