from multiprocessing import Pool

def render(page):
    import markdown_renderer_plugin
    return markdown_renderer_plugin.render(page)

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(render, ["a", "b"]))
