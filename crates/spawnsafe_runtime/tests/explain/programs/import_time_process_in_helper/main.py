from helpers import launch

def work():
    print("working")

launch(work)
