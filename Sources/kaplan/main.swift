print("kaplan")
