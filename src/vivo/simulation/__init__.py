"""vivo.simulation"""
