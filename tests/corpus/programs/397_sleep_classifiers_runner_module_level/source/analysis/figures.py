from source.analysis.classifier_service import ClassifierService


def build_performance_figure(subjects):
    for subject, auc in ClassifierService.run_in_parallel(subjects):
        print(f"{subject}: AUC {auc}")
